-- Every read of a customer's vulnerability details audited by the database, whichever client reads them, and the indexes the audit screen pages through.

------------------------------------------------------------------------------------------
-- Vulnerability details (medical dependency on water, dialysis, hearing, sight, ...) are
-- special-category data: who saw them must be provable. PostgreSQL cannot audit a SELECT,
-- so nobody but the table owner reads the column any more; the details come only through
-- customer_vulnerability(), which writes the audit row itself. What search, intake, script
-- choice and event notices need is whether a customer is vulnerable at all: that flag is a
-- column of its own, readable as before.
ALTER TABLE customer ADD COLUMN vulnerable boolean GENERATED ALWAYS AS (cardinality(vulnerability) > 0) STORED;

-- As in 013, with the new generated column left out: a BEFORE trigger sees generated
-- columns not yet computed, so comparing them would bump the version of every update.
CREATE OR REPLACE FUNCTION customer_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - '{balance,arrears,arrears_until,version,updated_at,phone_nsn,customer_type,vulnerable}'::text[])
       IS DISTINCT FROM
       (to_jsonb(OLD) - '{balance,arrears,arrears_until,version,updated_at,phone_nsn,customer_type,vulnerable}'::text[]) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;

-- Every role that could read the whole table keeps every column but the details. A column
-- added to customer by a later migration must be granted to these roles there.
DO $$
DECLARE
    g    text;
    cols text;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
      FROM pg_attribute
     WHERE attrelid = 'customer'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'vulnerability';
    FOR g IN SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END
               FROM pg_class c, aclexplode(c.relacl) a
              WHERE c.oid = 'customer'::regclass AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner
    LOOP
        IF g = 'public' THEN
            EXECUTE 'REVOKE SELECT ON customer FROM PUBLIC';
            EXECUTE format('GRANT SELECT (%s) ON customer TO PUBLIC', cols);
        ELSE
            EXECUTE format('REVOKE SELECT ON customer FROM %I', g);
            EXECUTE format('GRANT SELECT (%s) ON customer TO %I', cols, g);
        END IF;
    END LOOP;
END $$;

-- Arrears as of today from the columns, not the whole row: a whole-row reference needs
-- every column, the details included. Same rule as customer_arrears(customer) (013).
CREATE FUNCTION customer_arrears(p_customer bigint, p_balance numeric, p_arrears numeric, p_until date)
RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_until > current_date + 1 THEN p_arrears
                ELSE customer_arrears_exact(p_customer, p_balance, p_arrears, p_until) END
$$;
GRANT EXECUTE ON FUNCTION customer_arrears(bigint, numeric, numeric, date)
    TO careline_agent, careline_supervisor, careline_field, careline_admin;

------------------------------------------------------------------------------------------
-- Which customers a field office sees: the one definition the row-level policy (016) and the
-- audited reads below use. One index probe per customer.
CREATE FUNCTION customer_in_office(p_customer bigint, p_office text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM customer_premise cp
                     JOIN premise p ON p.id = cp.premise_id
                     JOIN office_zone oz ON oz.zone_id = p.zone_id
                    WHERE cp.customer_id = p_customer AND oz.office = p_office)
$$;
DROP POLICY customer_field ON customer;
CREATE POLICY customer_field ON customer FOR SELECT TO careline_field
    USING (customer_in_office(id, current_staff_office()));

-- Whether the person logged in may see the customer: what the policies decide, asked from
-- inside the owner's functions (where the policies do not apply). session_user is the login:
-- inside a SECURITY DEFINER function current_user is the owner.
CREATE FUNCTION customer_visible(p_customer bigint) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT pg_has_role(session_user, 'careline_agent', 'MEMBER')
        OR pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'public.customer'::regclass), 'MEMBER')
        OR (pg_has_role(session_user, 'careline_field', 'MEMBER')
            AND customer_in_office(p_customer, (SELECT team FROM staff_of_login(session_user::text))))
$$;

-- The details, audited. purpose says which screen or command read them ("customer view",
-- "recovery script", "call list", "export"). A customer with no needs recorded reveals
-- nothing and writes nothing; one the caller may not see gives NULL. Screens reload (the
-- call list live): the same person reading the same customer for the same purpose within
-- ten minutes is one entry.
CREATE FUNCTION customer_vulnerability(p_customer bigint, p_purpose text) RETURNS text[]
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v       text[];
    who     text := session_user;
    purpose text := CASE WHEN p_purpose ~ '^[a-z][a-z -]{0,39}$' THEN p_purpose ELSE 'other' END;
BEGIN
    IF p_customer IS NULL OR NOT customer_visible(p_customer) THEN
        RETURN NULL;
    END IF;
    SELECT c.vulnerability INTO v FROM customer c WHERE c.id = p_customer;
    IF cardinality(v) > 0 AND NOT EXISTS (
           SELECT 1 FROM audit_log a
            WHERE a.customer_id = p_customer AND a.at > now() - interval '10 minutes'
              AND a.action = 'customer.vulnerability' AND a.actor = who AND a.details ->> 'purpose' = purpose) THEN
        INSERT INTO audit_log (actor, action, customer_id, entity, entity_id, details)
        VALUES (who, 'customer.vulnerability', p_customer, 'customer', p_customer::text,
                jsonb_build_object('purpose', purpose));
    END IF;
    RETURN v;
END $$;
REVOKE EXECUTE ON FUNCTION customer_vulnerability(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION customer_vulnerability(bigint, text) TO careline_agent, careline_field;

-- The whole customer row as JSON for the subject access export, the details read (and
-- audited) like any other read of them.
CREATE FUNCTION customer_record(p_customer bigint, p_purpose text) RETURNS jsonb
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT to_jsonb(c) - 'vulnerability'
           || jsonb_build_object('vulnerability', to_jsonb(customer_vulnerability(c.id, p_purpose)))
      FROM customer c WHERE c.id = p_customer AND customer_visible(p_customer)
$$;
REVOKE EXECUTE ON FUNCTION customer_record(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION customer_record(bigint, text) TO careline_supervisor;

------------------------------------------------------------------------------------------
-- Readers of the flag move to the flag column: the area's customers as in 018_events_actions.
CREATE OR REPLACE FUNCTION critical_event_area_customers(p_zones integer[], p_sectors text[])
RETURNS TABLE (customer_id bigint, premise_id bigint, preferred_channel text, priority_services boolean,
               vulnerable boolean, non_digital boolean)
LANGUAGE sql STABLE AS $$
    WITH prem AS (
        SELECT p.id FROM premise p WHERE p.zone_id = ANY (p_zones)
        UNION
        SELECT p.id FROM premise p WHERE left(p.postcode, -2) = ANY (p_sectors)
    )
    SELECT DISTINCT ON (c.id) c.id, cp.premise_id, c.preferred_channel, c.priority_services,
           c.vulnerable, c.non_digital
      FROM prem
      JOIN customer_premise cp ON cp.premise_id = prem.id
       AND cp.start_date <= current_date AND (cp.end_date IS NULL OR cp.end_date >= current_date)
      JOIN customer c ON c.id = cp.customer_id
     ORDER BY c.id, cp.premise_id
$$;

-- The subject access export as in 016, with the customer row read through customer_record.
CREATE OR REPLACE FUNCTION customer_export(p_account text) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    cid bigint;
    doc jsonb;
BEGIN
    SELECT id INTO cid FROM customer WHERE account_no = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no customer with account number %', p_account USING ERRCODE = 'no_data_found';
    END IF;
    doc := jsonb_build_object(
        'exported_at', now(), 'exported_by', current_user::text,
        'customer', customer_record(cid, 'export'),
        'premises', (SELECT coalesce(jsonb_agg(to_jsonb(cp) || jsonb_build_object(
                         'premise', to_jsonb(p), 'zone', z.name,
                         'meters', (SELECT coalesce(jsonb_agg(to_jsonb(m) || jsonb_build_object(
                                        'reads', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.read_on, r.id), '[]')
                                                    FROM meter_read r
                                                   WHERE r.meter_id = m.id AND r.read_on >= cp.start_date
                                                     AND (cp.end_date IS NULL OR r.read_on <= cp.end_date)))
                                        ORDER BY m.id), '[]')
                                      FROM meter m WHERE m.premise_id = p.id))
                         ORDER BY cp.start_date, cp.premise_id), '[]')
                       FROM customer_premise cp JOIN premise p ON p.id = cp.premise_id JOIN zone z ON z.id = p.zone_id
                      WHERE cp.customer_id = cid),
        'bills', (SELECT coalesce(jsonb_agg(to_jsonb(b) ORDER BY b.issued_on, b.id), '[]') FROM bill b WHERE b.customer_id = cid),
        'payments', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.paid_on, x.id), '[]') FROM payment x WHERE x.customer_id = cid),
        'payment_arrangements', (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.id), '[]')
                                   FROM payment_arrangement a WHERE a.customer_id = cid),
        'programmes', (SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('programme', pr.name) ORDER BY e.enrolled_on), '[]')
                         FROM programme_enrolment e JOIN programme pr ON pr.id = e.programme_id WHERE e.customer_id = cid),
        'contacts', (SELECT coalesce(jsonb_agg(to_jsonb(i) || jsonb_build_object('staff', s.display_name,
                                 'survey', (SELECT to_jsonb(v) FROM satisfaction_survey v WHERE v.interaction_id = i.id))
                                 ORDER BY i.started_at, i.id), '[]')
                       FROM interaction i LEFT JOIN staff s ON s.id = i.staff_id WHERE i.customer_id = cid),
        'complaints', (SELECT coalesce(jsonb_agg(to_jsonb(k) || jsonb_build_object(
                           'history', (SELECT coalesce(jsonb_agg(to_jsonb(h) ORDER BY h.at, h.id), '[]')
                                         FROM complaint_history h WHERE h.complaint_id = k.id),
                           'compensation', (SELECT coalesce(jsonb_agg(to_jsonb(cpay) ORDER BY cpay.created_at), '[]')
                                              FROM compensation_payment cpay WHERE cpay.complaint_id = k.id))
                           ORDER BY k.opened_at, k.id), '[]')
                         FROM complaint k WHERE k.customer_id = cid),
        'goodwill_credits', (SELECT coalesce(jsonb_agg(to_jsonb(g) ORDER BY g.requested_at, g.id), '[]')
                               FROM goodwill_credit g WHERE g.customer_id = cid),
        'follow_ups', (SELECT coalesce(jsonb_agg(to_jsonb(f) ORDER BY f.due_on, f.id), '[]')
                         FROM follow_up f WHERE f.customer_id = cid));
    INSERT INTO audit_log (action, customer_id, entity, entity_id)
    VALUES ('customer.export', cid, 'customer', cid::text);
    RETURN doc;
END $$;

------------------------------------------------------------------------------------------
-- The audit screen pages newest first: per staff member, and the vulnerability reads
-- of everyone (per customer, 003's (customer_id, at) index holds few rows each).
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_vulnerability_idx ON audit_log (at) WHERE action = 'customer.vulnerability';
