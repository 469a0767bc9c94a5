-- 012_search_tokens.sql — word index for searching names and service addresses fast at a million customers.

-- Trigram matching of whole names against 1M rows fetches every customer
-- who shares trigrams with a common name ("hale": 7,400 rows, 80-160 ms;
-- "mill lane": 700 ms). Instead each name and service address is split
-- into words: a small dictionary of distinct words is matched fuzzily
-- (a few thousand rows), and the word index finds the customers.
CREATE FUNCTION search_words(p text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT w), '{}')
      FROM regexp_split_to_table(lower(coalesce(p, '')), '[^[:alnum:]]+') w
     WHERE w <> ''
$$;

-- source: 'n' the customer's name, 'a' a current service address.
CREATE TABLE search_token (
    customer_id bigint NOT NULL REFERENCES customer ON DELETE CASCADE,
    source      char(1) NOT NULL CHECK (source IN ('n', 'a')),
    token       text NOT NULL,
    PRIMARY KEY (customer_id, source, token)
);
CREATE INDEX search_token_token_idx ON search_token (token text_pattern_ops, source);

CREATE TABLE search_word (
    token text PRIMARY KEY,
    uses  integer NOT NULL DEFAULT 0
);
CREATE INDEX search_word_prefix_idx ON search_word (token text_pattern_ops);
CREATE INDEX search_word_trgm_idx ON search_word USING gin (token gin_trgm_ops);

GRANT SELECT ON search_token, search_word TO careline_agent, careline_supervisor, careline_field, careline_admin;

-- One customer's words, again (after a name or address change).
CREATE FUNCTION search_refresh(p_customer bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM search_token WHERE customer_id = p_customer;
    INSERT INTO search_token (customer_id, source, token)
    SELECT DISTINCT c.id, 'n', w FROM customer c, unnest(search_words(c.name)) w WHERE c.id = p_customer
    UNION
    SELECT DISTINCT cp.customer_id, 'a', w FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id,
           unnest(search_words(p.address_line1)) w
     WHERE cp.customer_id = p_customer AND cp.end_date IS NULL;
    INSERT INTO search_word (token, uses)
    SELECT token, 1 FROM search_token WHERE customer_id = p_customer
    ON CONFLICT (token) DO NOTHING;
END $$;

-- Everything at once, set-based (after a bulk load such as careline seed).
CREATE FUNCTION search_rebuild() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    TRUNCATE search_token, search_word;
    ALTER TABLE search_token DROP CONSTRAINT search_token_pkey;
    DROP INDEX search_token_token_idx;
    INSERT INTO search_token (customer_id, source, token)
    SELECT c.id, 'n', w FROM customer c, unnest(search_words(c.name)) w;
    INSERT INTO search_token (customer_id, source, token)
    SELECT DISTINCT cp.customer_id, 'a', w FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id,
           unnest(search_words(p.address_line1)) w
     WHERE cp.end_date IS NULL;
    ALTER TABLE search_token ADD PRIMARY KEY (customer_id, source, token);
    CREATE INDEX search_token_token_idx ON search_token (token text_pattern_ops, source);
    INSERT INTO search_word (token, uses) SELECT token, count(*) FROM search_token GROUP BY token;
    ANALYZE search_token;
    ANALYZE search_word;
END $$;

CREATE FUNCTION search_customer_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER search_customer AFTER INSERT OR UPDATE OF name ON customer
    FOR EACH ROW EXECUTE FUNCTION search_customer_trigger();

CREATE FUNCTION search_agreement_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM search_refresh(OLD.customer_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM search_refresh(NEW.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER search_agreement AFTER INSERT OR UPDATE OR DELETE ON customer_premise
    FOR EACH ROW EXECUTE FUNCTION search_agreement_trigger();

CREATE FUNCTION search_premise_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_refresh(cp.customer_id) FROM customer_premise cp WHERE cp.premise_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER search_premise AFTER UPDATE OF address_line1 ON premise
    FOR EACH ROW EXECUTE FUNCTION search_premise_trigger();

-- Whatever is in the database already.
SELECT search_rebuild();
