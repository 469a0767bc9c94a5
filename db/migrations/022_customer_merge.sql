-- 022_customer_merge.sql — duplicate customers: likely pairs found by the database (same phone, same e-mail, a similar name at the same premise), merged by a supervisor with everything moving to the survivor, the merged record kept as a pointer, and undo within a day.

------------------------------------------------------------------------------------------
-- The merged record stays, pointing at the survivor: who merged it and when.
ALTER TABLE customer ADD COLUMN merged_into bigint REFERENCES customer,
                     ADD COLUMN merged_at timestamptz,
                     ADD COLUMN merged_by integer REFERENCES staff,
                     ADD CONSTRAINT customer_merged_not_self CHECK (merged_into IS DISTINCT FROM id),
                     ADD CONSTRAINT customer_merged_when CHECK ((merged_into IS NULL) = (merged_at IS NULL));
CREATE INDEX customer_merged_into_idx ON customer (merged_into) WHERE merged_into IS NOT NULL;
-- Duplicates by e-mail without reading every row's text again.
CREATE INDEX customer_email_idx ON customer (lower(email)) WHERE email IS NOT NULL;

-- One row per merge, with what moved, so it can be undone exactly.
CREATE TABLE customer_merge (
    id          uuid PRIMARY KEY,                 -- made by the client: a retried merge is the same merge
    survivor_id bigint NOT NULL REFERENCES customer,
    merged_id   bigint NOT NULL REFERENCES customer,
    merged_by   integer REFERENCES staff,
    merged_at   timestamptz NOT NULL DEFAULT now(),
    moved       jsonb NOT NULL,                   -- {"complaint": [ids], "customer_premise": [keys], ...}
    undone_at   timestamptz,
    undone_by   integer REFERENCES staff,
    CHECK (survivor_id <> merged_id)
);
CREATE INDEX customer_merge_merged_idx ON customer_merge (merged_id);
GRANT SELECT ON customer_merge TO careline_supervisor;
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON customer_merge
    FOR EACH ROW EXECUTE FUNCTION audit_change();

-- Pairs a supervisor has looked at and found to be different people (a shared landline).
CREATE TABLE customer_not_duplicate (
    a_id       bigint NOT NULL REFERENCES customer,
    b_id       bigint NOT NULL REFERENCES customer,
    decided_by integer REFERENCES staff,
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id)
);
GRANT SELECT ON customer_not_duplicate TO careline_agent;
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON customer_not_duplicate
    FOR EACH ROW EXECUTE FUNCTION audit_change();

------------------------------------------------------------------------------------------
-- Likely duplicates among customers not merged: the same phone number, the same e-mail
-- address, or a similar name (trigram similarity over 0.5) on the same premise. Kept up to
-- date as customers and their premise links change (a few index probes per change), so the
-- list is a read, not a scan of every customer.
CREATE TABLE customer_duplicate (
    a_id   bigint NOT NULL REFERENCES customer,
    b_id   bigint NOT NULL REFERENCES customer,
    phone  boolean NOT NULL DEFAULT false,
    email  boolean NOT NULL DEFAULT false,
    name   boolean NOT NULL DEFAULT false,   -- a similar name at the same premise
    PRIMARY KEY (a_id, b_id),
    CHECK (a_id < b_id)
);
CREATE INDEX customer_duplicate_b_idx ON customer_duplicate (b_id);
GRANT SELECT ON customer_duplicate TO careline_agent;

-- The pairs one customer is in, found again.
CREATE FUNCTION customer_duplicates_of(p_id bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM customer_duplicate WHERE a_id = p_id OR b_id = p_id;
    INSERT INTO customer_duplicate (a_id, b_id, phone, email, name)
    SELECT least(p_id, o), greatest(p_id, o), bool_or(why = 'p'), bool_or(why = 'e'), bool_or(why = 'n')
      FROM (SELECT b.id AS o, 'p' AS why FROM customer a JOIN customer b ON b.phone_nsn = a.phone_nsn
             WHERE a.id = p_id AND b.id <> p_id AND a.merged_into IS NULL AND b.merged_into IS NULL
            UNION ALL
            SELECT b.id, 'e' FROM customer a JOIN customer b ON lower(b.email) = lower(a.email)
             WHERE a.id = p_id AND b.id <> p_id AND a.email IS NOT NULL
               AND a.merged_into IS NULL AND b.merged_into IS NULL
            UNION ALL
            SELECT b.id, 'n' FROM customer_premise pa
              JOIN customer_premise pb ON pb.premise_id = pa.premise_id AND pb.customer_id <> pa.customer_id
              JOIN customer a ON a.id = pa.customer_id JOIN customer b ON b.id = pb.customer_id
             WHERE pa.customer_id = p_id AND a.merged_into IS NULL AND b.merged_into IS NULL
               AND similarity(a.name, b.name) > 0.5) f
     GROUP BY o;
END $$;

-- Every pair, from scratch: after a bulk load (the seed, an import with triggers off).
-- Values shared by two or more customers are found first, so only those rows are paired.
CREATE FUNCTION customer_duplicates_rebuild() RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    TRUNCATE customer_duplicate;
    INSERT INTO customer_duplicate (a_id, b_id, phone, email, name)
    SELECT a, b, bool_or(why = 'p'), bool_or(why = 'e'), bool_or(why = 'n')
      FROM (SELECT a.id AS a, b.id AS b, 'p' AS why
              FROM (SELECT phone_nsn FROM customer WHERE phone_nsn IS NOT NULL AND merged_into IS NULL
                     GROUP BY 1 HAVING count(*) > 1) d
              JOIN customer a ON a.phone_nsn = d.phone_nsn JOIN customer b ON b.phone_nsn = d.phone_nsn AND b.id > a.id
             WHERE a.merged_into IS NULL AND b.merged_into IS NULL
            UNION ALL
            SELECT a.id, b.id, 'e'
              FROM (SELECT lower(email) AS e FROM customer WHERE email IS NOT NULL AND merged_into IS NULL
                     GROUP BY 1 HAVING count(*) > 1) d
              JOIN customer a ON lower(a.email) = d.e JOIN customer b ON lower(b.email) = d.e AND b.id > a.id
             WHERE a.merged_into IS NULL AND b.merged_into IS NULL
            UNION ALL
            SELECT a.id, b.id, 'n'
              FROM (SELECT premise_id FROM customer_premise GROUP BY 1 HAVING count(DISTINCT customer_id) > 1) d
              JOIN customer_premise pa ON pa.premise_id = d.premise_id
              JOIN customer_premise pb ON pb.premise_id = d.premise_id AND pb.customer_id > pa.customer_id
              JOIN customer a ON a.id = pa.customer_id JOIN customer b ON b.id = pb.customer_id
             WHERE a.merged_into IS NULL AND b.merged_into IS NULL AND similarity(a.name, b.name) > 0.5) f
     GROUP BY a, b;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
SELECT customer_duplicates_rebuild();

CREATE FUNCTION customer_duplicates_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'customer' THEN
        PERFORM customer_duplicates_of(NEW.id);
    ELSE
        IF TG_OP <> 'INSERT' THEN
            PERFORM customer_duplicates_of(OLD.customer_id);
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.customer_id <> OLD.customer_id) THEN
            PERFORM customer_duplicates_of(NEW.customer_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER customer_duplicates AFTER INSERT OR UPDATE OF phone_e164, email, name, merged_into ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_duplicates_trigger();
CREATE TRIGGER customer_duplicates AFTER INSERT OR UPDATE OR DELETE ON customer_premise
    FOR EACH ROW EXECUTE FUNCTION customer_duplicates_trigger();

-- The list: most reasons first, pairs decided not to be duplicates left out.
CREATE FUNCTION customer_duplicates(p_limit integer DEFAULT 200)
RETURNS TABLE (a_id bigint, b_id bigint, reasons text)
LANGUAGE sql STABLE AS $$
    SELECT d.a_id, d.b_id, concat_ws(', ', CASE WHEN d.phone THEN 'same phone' END,
                                     CASE WHEN d.email THEN 'same e-mail' END,
                                     CASE WHEN d.name THEN 'similar name at the same premise' END)
      FROM customer_duplicate d
     WHERE NOT EXISTS (SELECT 1 FROM customer_not_duplicate n WHERE n.a_id = d.a_id AND n.b_id = d.b_id)
     ORDER BY d.phone::int + d.email::int + d.name::int DESC, NOT d.phone, NOT d.email, d.a_id, d.b_id
     LIMIT p_limit
$$;

------------------------------------------------------------------------------------------
-- Merging is a supervisor's decision. Returns their staff id.
CREATE FUNCTION customer_merge_guard(p_merge boolean) RETURNS integer
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
    who integer := (SELECT id FROM staff_of_login(session_user::text));
BEGIN
    -- session_user: these run as the owner, and decide on the person at the terminal.
    IF NOT pg_has_role(session_user, 'careline_supervisor', 'member') THEN
        RAISE EXCEPTION 'only a supervisor % customers', CASE WHEN p_merge THEN 'merges' ELSE 'unmerges' END
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN who;
END $$;

-- What belongs to a customer moves with a merge. Tables with an id move by id; the two keyed
-- by the customer (premise links, programme enrolments) move unless the survivor already has
-- the same row, which then stays with the merged record. Runs as the owner (supervisors may
-- not otherwise move bills), deciding on the person at the terminal (session_user).
-- Merge p_merged into p_survivor, seen at those versions (NULL back: either changed since,
-- nothing written). p_id is the client's: sending it again reports the same merge.
CREATE FUNCTION customer_merge(p_id uuid, p_survivor bigint, p_survivor_version integer,
                               p_merged bigint, p_merged_version integer)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who   integer := customer_merge_guard(true);
    s     customer;
    m     customer;
    moved jsonb := '{}';
    ids   jsonb;
    t     text;
BEGIN
    IF EXISTS (SELECT 1 FROM customer_merge WHERE id = p_id) THEN
        RETURN p_id;
    END IF;
    IF p_survivor = p_merged THEN
        RAISE EXCEPTION 'a customer cannot be merged into itself' USING ERRCODE = 'check_violation';
    END IF;
    -- Both rows locked, the lower id first, so two merges of the same pair queue up.
    PERFORM 1 FROM customer WHERE id IN (p_survivor, p_merged) ORDER BY id FOR UPDATE;
    SELECT * INTO s FROM customer WHERE id = p_survivor;
    SELECT * INTO m FROM customer WHERE id = p_merged;
    IF s.id IS NULL OR m.id IS NULL THEN
        RAISE EXCEPTION 'one of these customers no longer exists' USING ERRCODE = 'no_data_found';
    END IF;
    IF s.merged_into IS NOT NULL OR m.merged_into IS NOT NULL THEN
        RAISE EXCEPTION 'customer % was merged already: search for it again',
            CASE WHEN s.merged_into IS NOT NULL THEN s.account_no ELSE m.account_no END
            USING ERRCODE = 'check_violation';
    END IF;
    IF s.version <> p_survivor_version OR m.version <> p_merged_version THEN
        RETURN NULL;
    END IF;
    FOREACH t IN ARRAY ARRAY['interaction', 'complaint', 'bill', 'payment', 'payment_arrangement',
                             'goodwill_credit', 'follow_up'] LOOP
        EXECUTE format('WITH u AS (UPDATE %I SET customer_id = $1 WHERE customer_id = $2 RETURNING id)
                        SELECT coalesce(jsonb_agg(id ORDER BY id), ''[]'') FROM u', t)
            INTO ids USING p_survivor, p_merged;
        moved := moved || jsonb_build_object(t, ids);
    END LOOP;
    WITH u AS (UPDATE customer_premise cp SET customer_id = p_survivor
                WHERE cp.customer_id = p_merged
                  AND NOT EXISTS (SELECT 1 FROM customer_premise x WHERE x.customer_id = p_survivor
                                     AND (x.premise_id, x.role, x.start_date) = (cp.premise_id, cp.role, cp.start_date))
               RETURNING premise_id, role, start_date)
    SELECT coalesce(jsonb_agg(jsonb_build_array(premise_id, role, start_date)), '[]') INTO ids FROM u;
    moved := moved || jsonb_build_object('customer_premise', ids);
    WITH u AS (UPDATE programme_enrolment e SET customer_id = p_survivor
                WHERE e.customer_id = p_merged
                  AND NOT EXISTS (SELECT 1 FROM programme_enrolment x
                                   WHERE x.customer_id = p_survivor AND x.programme_id = e.programme_id)
               RETURNING programme_id)
    SELECT coalesce(jsonb_agg(programme_id), '[]') INTO ids FROM u;
    moved := moved || jsonb_build_object('programme_enrolment', ids);
    UPDATE customer SET merged_into = p_survivor, merged_at = now(), merged_by = who WHERE id = p_merged;
    INSERT INTO customer_merge (id, survivor_id, merged_id, merged_by, moved)
    VALUES (p_id, p_survivor, p_merged, who, moved);
    PERFORM refresh_customer_balance(p_survivor), refresh_customer_balance(p_merged),
            search_refresh(p_survivor), search_refresh(p_merged);
    RETURN p_id;
END $$;

-- Put back what a merge moved, within a day of it. What reached the survivor since (a call
-- logged on it, a record sent to the merged number and redirected) stays with the survivor.
CREATE FUNCTION customer_unmerge(p_id uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who integer := customer_merge_guard(false);
    g   customer_merge;
    t   text;
BEGIN
    SELECT * INTO g FROM customer_merge WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no such merge' USING ERRCODE = 'no_data_found';
    END IF;
    IF g.undone_at IS NOT NULL THEN
        RETURN g.merged_id;           -- undone already: a retry
    END IF;
    IF g.merged_at < now() - interval '1 day' THEN
        RAISE EXCEPTION 'this merge is more than a day old: it can no longer be undone'
            USING ERRCODE = 'check_violation';
    END IF;
    FOREACH t IN ARRAY ARRAY['interaction', 'complaint', 'bill', 'payment', 'payment_arrangement',
                             'goodwill_credit', 'follow_up'] LOOP
        EXECUTE format('UPDATE %I SET customer_id = $1 WHERE customer_id = $2
                          AND id IN (SELECT (jsonb_array_elements_text($3))::%s)',
                       t, CASE WHEN t IN ('interaction', 'complaint', 'goodwill_credit', 'follow_up')
                               THEN 'uuid' ELSE 'bigint' END)
            USING g.merged_id, g.survivor_id, g.moved -> t;
    END LOOP;
    UPDATE customer_premise cp SET customer_id = g.merged_id
     WHERE cp.customer_id = g.survivor_id
       AND EXISTS (SELECT 1 FROM jsonb_array_elements(g.moved -> 'customer_premise') k
                    WHERE (k ->> 0)::bigint = cp.premise_id AND k ->> 1 = cp.role AND (k ->> 2)::date = cp.start_date);
    UPDATE programme_enrolment e SET customer_id = g.merged_id
     WHERE e.customer_id = g.survivor_id
       AND e.programme_id IN (SELECT (jsonb_array_elements_text(g.moved -> 'programme_enrolment'))::integer);
    UPDATE customer SET merged_into = NULL, merged_at = NULL, merged_by = NULL WHERE id = g.merged_id;
    UPDATE customer_merge SET undone_at = now(), undone_by = who WHERE id = p_id;
    PERFORM refresh_customer_balance(g.survivor_id), refresh_customer_balance(g.merged_id),
            search_refresh(g.survivor_id), search_refresh(g.merged_id);
    RETURN g.merged_id;
END $$;

-- Not duplicates: the pair leaves the list for good (a supervisor's decision, audited).
CREATE FUNCTION customer_not_duplicates(p_a bigint, p_b bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    who integer := customer_merge_guard(true);
BEGIN
    INSERT INTO customer_not_duplicate (a_id, b_id, decided_by)
    VALUES (least(p_a, p_b), greatest(p_a, p_b), who) ON CONFLICT DO NOTHING;
END $$;

REVOKE EXECUTE ON FUNCTION customer_merge(uuid, bigint, integer, bigint, integer), customer_unmerge(uuid),
    customer_not_duplicates(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION customer_merge(uuid, bigint, integer, bigint, integer), customer_unmerge(uuid),
    customer_not_duplicates(bigint, bigint) TO careline_supervisor;

------------------------------------------------------------------------------------------
-- Anything recorded against a merged customer later (a terminal that was offline, an old
-- link) goes to the survivor, so nothing new lands on the pointer.
-- Runs as owner: row-level security must not hide the merged record from field staff.
CREATE FUNCTION customer_merged_redirect() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    to_id bigint;
BEGIN
    SELECT merged_into INTO to_id FROM customer WHERE id = NEW.customer_id;
    IF to_id IS NOT NULL THEN
        NEW.customer_id := to_id;
    END IF;
    RETURN NEW;
END $$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['interaction', 'complaint', 'bill', 'payment', 'payment_arrangement',
                             'goodwill_credit', 'follow_up'] LOOP
        EXECUTE format('CREATE TRIGGER customer_merged_redirect BEFORE INSERT ON %I
                            FOR EACH ROW EXECUTE FUNCTION customer_merged_redirect()', t);
    END LOOP;
END $$;
