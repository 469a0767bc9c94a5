-- 015_search_exact.sql — one word document per customer name and service address, intersected by a GIN index, so search finds every customer who has all the typed words.

-- 012 looked words up one at a time in search_token and cut the rarest
-- word's list at 500 before checking the others: at 1M customers "Louise
-- Jenkins" found 11 of 27 and "12 High Street" nothing. Here each name and
-- each current service address is one tsvector of its words
-- (array_to_tsvector: the words exactly as search_words() splits them, no
-- parser or dictionary in between), and the GIN index intersects the posting
-- lists of all the words itself, skipping through the long lists of common
-- words ("street", "12") by the short one: the whole intersection, before
-- any cut, costs about as much as the rarest word.
CREATE TABLE search_doc (
    customer_id bigint NOT NULL REFERENCES customer ON DELETE CASCADE,
    source      char(1) NOT NULL CHECK (source IN ('n', 'a')),   -- 'n' name, 'a' a current service address
    -- The address's premise (0 for the name): the words of one address, so
    -- "12 High Street" is not found from "12 Mill Road" and "3 High Street".
    premise_id  bigint NOT NULL,
    tokens      tsvector NOT NULL,
    PRIMARY KEY (customer_id, source, premise_id)
);
-- fastupdate off: a pending list would be read by every search until the
-- next cleanup; names and addresses change rarely, searches all day.
CREATE INDEX search_doc_tokens_idx ON search_doc USING gin (tokens) WITH (fastupdate = off);
GRANT SELECT ON search_doc TO careline_agent, careline_supervisor, careline_field, careline_admin;

-- One customer's words, again (after a name or address change). search_word
-- (the dictionary that prefixes and misspellings are looked up in) only
-- grows: a word no longer used costs a dictionary row, never a miss.
CREATE OR REPLACE FUNCTION search_refresh(p_customer bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM search_doc WHERE customer_id = p_customer;
    INSERT INTO search_doc (customer_id, source, premise_id, tokens)
    SELECT x.customer_id, x.source, x.premise_id, array_to_tsvector(array_agg(DISTINCT x.w))
      FROM (SELECT c.id AS customer_id, 'n' AS source, 0::bigint AS premise_id, unnest(search_words(c.name)) AS w
              FROM customer c WHERE c.id = p_customer
            UNION ALL
            SELECT cp.customer_id, 'a', p.id, unnest(search_words(p.address_line1))
              FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id
             WHERE cp.customer_id = p_customer AND cp.end_date IS NULL) x
     GROUP BY x.customer_id, x.source, x.premise_id;
    INSERT INTO search_word (token, uses)
    SELECT DISTINCT w, 1 FROM search_doc d, unnest(tsvector_to_array(d.tokens)) w
     WHERE d.customer_id = p_customer
    ON CONFLICT (token) DO NOTHING;
END $$;

-- Everything at once, set-based (after a bulk load such as careline seed):
-- the indexes are built after the rows, which is several times faster.
CREATE OR REPLACE FUNCTION search_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE search_doc, search_word;
    ALTER TABLE search_doc DROP CONSTRAINT search_doc_pkey;
    DROP INDEX search_doc_tokens_idx;
    INSERT INTO search_doc (customer_id, source, premise_id, tokens)
    SELECT c.id, 'n', 0, array_to_tsvector(c.words)
      FROM (SELECT id, search_words(name) AS words FROM customer) c
     WHERE cardinality(c.words) > 0;
    -- One row per agreement: a customer with the same premise twice (two
    -- current roles) has its words once.
    INSERT INTO search_doc (customer_id, source, premise_id, tokens)
    SELECT DISTINCT ON (cp.customer_id, p.id) cp.customer_id, 'a', p.id, array_to_tsvector(p.words)
      FROM customer_premise cp
      JOIN (SELECT id, search_words(address_line1) AS words FROM premise) p ON p.id = cp.premise_id
     WHERE cp.end_date IS NULL AND cardinality(p.words) > 0;
    ALTER TABLE search_doc ADD PRIMARY KEY (customer_id, source, premise_id);
    CREATE INDEX search_doc_tokens_idx ON search_doc USING gin (tokens) WITH (fastupdate = off);
    INSERT INTO search_word (token, uses)
    SELECT w, count(*) FROM search_doc, unnest(tsvector_to_array(tokens)) w GROUP BY w;
    ANALYZE search_doc;
    ANALYZE search_word;
END $$;

-- The word lists of 012 are replaced by the documents (the triggers of 012
-- call search_refresh, which now keeps search_doc in step).
DROP TABLE search_token;

SELECT search_rebuild();
