-- Security decided by the database: staff login roles managed by `careline staff`, field offices and their zones, row-level security on personal data, and a readable, append-only audit trail.

------------------------------------------------------------------------------------------
-- Who is connected. The lookup runs as the owner: agents may no longer read every column
-- of staff, yet every trigger and statement that asks "who am I" must keep working. The
-- caller passes current_user (inside the owner's function it would be the owner).
CREATE FUNCTION staff_of_login(p_login text, OUT id integer, OUT team text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.id, s.team FROM staff s WHERE s.login_role = p_login AND s.active
$$;
CREATE OR REPLACE FUNCTION current_staff_id() RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT id FROM staff_of_login(current_user::text)
$$;

-- A field office (the staff member's team) covers some zones; its field staff see the
-- customers whose premises lie in them. Offices are teams so `careline staff team` moves
-- a field worker between offices with no second place to keep in step.
CREATE TABLE office_zone (
    office  text NOT NULL,
    zone_id integer NOT NULL REFERENCES zone,
    PRIMARY KEY (office, zone_id)
);
GRANT SELECT ON office_zone TO careline_agent, careline_field;
GRANT INSERT, DELETE ON office_zone TO careline_admin;
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON office_zone
    FOR EACH ROW EXECUTE FUNCTION audit_change();

-- The office of whoever is connected (NULL: no active staff row, so nothing is visible).
-- STABLE so a policy evaluates it once per statement, not once per row.
CREATE FUNCTION current_staff_office() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT team FROM staff_of_login(current_user::text)
$$;

------------------------------------------------------------------------------------------
-- Staff records: everybody at a terminal sees who is who (names, team, group: complaint
-- owners, approvers); whether an account is active and when it was made is for
-- supervisors and administrators.
REVOKE SELECT ON staff FROM careline_agent, careline_field;
GRANT SELECT (id, login_role, display_name, team, group_role) ON staff TO careline_agent, careline_field;
GRANT SELECT ON staff TO careline_supervisor;

------------------------------------------------------------------------------------------
-- Row-level security. The table owner (migrations, the seed, maintenance) is not subject
-- to it. Agents, supervisors and admins (careline_agent and every group above it) keep
-- every row: their policy is `true`, so search and the customer view plan as before.
-- Field staff read only the customers of their office's zones, and what hangs off them.
ALTER TABLE customer ENABLE ROW LEVEL SECURITY;
CREATE POLICY customer_desk ON customer FOR ALL TO careline_agent USING (true) WITH CHECK (true);
-- One index probe per customer (customer_premise's key, premise's key, office_zone's key).
CREATE POLICY customer_field ON customer FOR SELECT TO careline_field USING (
    EXISTS (SELECT 1 FROM customer_premise cp
              JOIN premise p ON p.id = cp.premise_id
              JOIN office_zone oz ON oz.zone_id = p.zone_id
             WHERE cp.customer_id = customer.id AND oz.office = current_staff_office()));

-- Tables keyed by customer: visible to field staff when the customer is (the sub-select
-- goes through customer's own policy), and what they recorded themselves. Field staff may
-- record on the doorstep what their grants allow (a visit, a small credit) without reading
-- the rest of the account; seeing their own row back is what INSERT .. RETURNING needs.
DO $$
DECLARE
    t   text;
    own text;
BEGIN
    FOREACH t IN ARRAY ARRAY['bill','payment','payment_arrangement','programme_enrolment','interaction',
                             'complaint','goodwill_credit','follow_up']
    LOOP
        own := CASE t WHEN 'interaction' THEN 'staff_id = current_staff_id()'
                      WHEN 'goodwill_credit' THEN 'requested_by = current_staff_id()'
                      ELSE 'false' END;
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR ALL TO careline_agent USING (true) WITH CHECK (true)',
                       t || '_desk', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO careline_field
                            USING (EXISTS (SELECT 1 FROM customer c WHERE c.id = %I.customer_id) OR %s)',
                       t || '_field_read', t, t, own);
        EXECUTE format('CREATE POLICY %I ON %I FOR INSERT TO careline_field WITH CHECK (true)',
                       t || '_field_insert', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE TO careline_field
                            USING (EXISTS (SELECT 1 FROM customer c WHERE c.id = %I.customer_id))',
                       t || '_field_update', t, t);
    END LOOP;
END $$;

-- The audit log: supervisors and admins read it; everyone appends, but only in their own
-- name (the change trigger writes as the owner and names session_user itself).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_append ON audit_log FOR INSERT TO careline_agent, careline_field
    WITH CHECK (actor = current_user);
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO careline_supervisor USING (true);
-- Owners could otherwise grant themselves UPDATE again; the triggers of 004 refuse it anyway.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM careline_agent, careline_field, careline_supervisor,
    careline_admin;

-- Changes to the personal data people edit that 004 did not yet log: before and after.
-- Like customers, contacts and premise links are created in bulk (imports, every call),
-- so their creation is the row itself; what is logged is each later change.
CREATE TRIGGER audit_change AFTER UPDATE OR DELETE ON interaction
    FOR EACH ROW EXECUTE FUNCTION audit_change();
CREATE TRIGGER audit_change AFTER UPDATE OR DELETE ON customer_premise
    FOR EACH ROW EXECUTE FUNCTION audit_change();

------------------------------------------------------------------------------------------
-- Staff accounts (`careline staff`). SECURITY INVOKER on purpose: creating roles and
-- granting groups needs the caller's own CREATEROLE, never a privilege hidden in a function.
-- Role names are checked here as well as in the client, and only ever reach SQL as %I.
CREATE FUNCTION staff_check_login(p_login text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_login IS NULL OR p_login !~ '^[a-z_][a-z0-9_]{0,62}$' OR p_login LIKE 'pg\_%'
       OR p_login IN ('careline_agent','careline_supervisor','careline_field','careline_admin','public') THEN
        RAISE EXCEPTION 'invalid login name "%": lower-case letters, digits and _, at most 63, not a group',
            p_login USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- Make the role a member of exactly one Careline group.
CREATE FUNCTION staff_set_group(p_login text, p_group text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    g text;
BEGIN
    IF p_group NOT IN ('agent','supervisor','field','admin') THEN
        RAISE EXCEPTION 'invalid group "%": agent, supervisor, field or admin', p_group
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH g IN ARRAY ARRAY['agent','supervisor','field','admin'] LOOP
        IF g <> p_group AND EXISTS (SELECT 1 FROM pg_auth_members m
                                      JOIN pg_roles gr ON gr.oid = m.roleid AND gr.rolname = 'careline_' || g
                                      JOIN pg_roles u ON u.oid = m.member AND u.rolname = p_login) THEN
            EXECUTE format('REVOKE %I FROM %I', 'careline_' || g, p_login);
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                     JOIN pg_roles gr ON gr.oid = m.roleid AND gr.rolname = 'careline_' || p_group
                     JOIN pg_roles u ON u.oid = m.member AND u.rolname = p_login) THEN
        EXECUTE format('GRANT %I TO %I', 'careline_' || p_group, p_login);
    END IF;
END $$;

-- Add a staff member, or bring an existing one in line (idempotent). An existing role is
-- adopted as it is (it may authenticate by peer or certificate); a disabled member stays
-- disabled until `enable`. Returns 'created' or 'updated'.
CREATE FUNCTION staff_add(p_login text, p_name text, p_group text, p_team text) RETURNS text
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    made boolean := false;
BEGIN
    PERFORM staff_check_login(p_login);
    IF coalesce(btrim(p_name), '') = '' THEN
        RAISE EXCEPTION 'the display name must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND rolsuper) THEN
        RAISE EXCEPTION 'role "%" is a superuser: staff must log in as ordinary roles', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
        BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', p_login);
            made := true;
        EXCEPTION WHEN duplicate_object THEN
            NULL;       -- another administrator made it a moment ago
        END;
    END IF;
    PERFORM staff_set_group(p_login, p_group);
    INSERT INTO staff (login_role, display_name, team, group_role)
    VALUES (p_login, btrim(p_name), nullif(btrim(p_team), ''), p_group)
    ON CONFLICT (login_role) DO UPDATE
       SET display_name = EXCLUDED.display_name, team = coalesce(EXCLUDED.team, staff.team),
           group_role = EXCLUDED.group_role
     WHERE (staff.display_name, staff.team, staff.group_role)
           IS DISTINCT FROM (EXCLUDED.display_name, coalesce(EXCLUDED.team, staff.team), EXCLUDED.group_role);
    RETURN CASE WHEN made THEN 'created' ELSE 'updated' END;
END $$;

-- The staff row of a login, or an error naming it.
CREATE FUNCTION staff_require(p_login text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM staff_check_login(p_login);
    IF NOT EXISTS (SELECT 1 FROM staff WHERE login_role = p_login) THEN
        RAISE EXCEPTION 'no staff member with login "%"', p_login USING ERRCODE = 'no_data_found';
    END IF;
END $$;

CREATE FUNCTION staff_disable(p_login text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM staff_require(p_login);
    UPDATE staff SET active = false WHERE login_role = p_login AND active;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND rolcanlogin) THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
    END IF;
END $$;

-- Ends the sessions still open under the login (run after staff_disable committed, so a
-- session cannot log in again in between). Needs pg_signal_backend or superuser.
CREATE FUNCTION staff_end_sessions(p_login text) RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    n integer := 0;
    pid integer;
BEGIN
    PERFORM staff_require(p_login);
    FOR pid IN SELECT a.pid FROM pg_stat_activity a
                WHERE a.usename = p_login AND a.pid <> pg_backend_pid() LOOP
        IF pg_terminate_backend(pid) THEN
            n := n + 1;
        END IF;
    END LOOP;
    INSERT INTO audit_log (action, entity, entity_id, details)
    VALUES ('staff.sessions_ended', 'staff', p_login, jsonb_build_object('sessions', n));
    RETURN n;
END $$;

CREATE FUNCTION staff_enable(p_login text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM staff_require(p_login);
    UPDATE staff SET active = true WHERE login_role = p_login AND NOT active;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND NOT rolcanlogin) THEN
        EXECUTE format('ALTER ROLE %I LOGIN', p_login);
    END IF;
END $$;

CREATE FUNCTION staff_set_role(p_login text, p_group text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM staff_require(p_login);
    PERFORM staff_set_group(p_login, p_group);
    UPDATE staff SET group_role = p_group WHERE login_role = p_login AND group_role <> p_group;
END $$;

CREATE FUNCTION staff_set_team(p_login text, p_team text) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM staff_require(p_login);
    UPDATE staff SET team = nullif(btrim(p_team), '')
     WHERE login_role = p_login AND team IS DISTINCT FROM nullif(btrim(p_team), '');
END $$;

REVOKE EXECUTE ON FUNCTION staff_check_login(text), staff_set_group(text, text), staff_add(text, text, text, text),
    staff_require(text), staff_disable(text), staff_end_sessions(text), staff_enable(text),
    staff_set_role(text, text), staff_set_team(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION staff_check_login(text), staff_set_group(text, text), staff_add(text, text, text, text),
    staff_require(text), staff_disable(text), staff_end_sessions(text), staff_enable(text),
    staff_set_role(text, text), staff_set_team(text, text) TO careline_admin;

------------------------------------------------------------------------------------------
-- Subject access request (`careline customer export`): everything held about one customer,
-- as one JSON document. SECURITY INVOKER: the caller's own grants and row-level security
-- apply, so an export never shows more than its maker may see; supervisors and admins
-- only, and each export is itself audited. Meter reads are those of the customer's time
-- at each premise, not a later occupier's.
CREATE FUNCTION customer_export(p_account text) RETURNS jsonb
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    c   customer;
    doc jsonb;
BEGIN
    SELECT * INTO c FROM customer WHERE account_no = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no customer with account number %', p_account USING ERRCODE = 'no_data_found';
    END IF;
    doc := jsonb_build_object(
        'exported_at', now(), 'exported_by', current_user::text,
        'customer', to_jsonb(c),
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
                      WHERE cp.customer_id = c.id),
        'bills', (SELECT coalesce(jsonb_agg(to_jsonb(b) ORDER BY b.issued_on, b.id), '[]') FROM bill b WHERE b.customer_id = c.id),
        'payments', (SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.paid_on, x.id), '[]') FROM payment x WHERE x.customer_id = c.id),
        'payment_arrangements', (SELECT coalesce(jsonb_agg(to_jsonb(a) ORDER BY a.id), '[]')
                                   FROM payment_arrangement a WHERE a.customer_id = c.id),
        'programmes', (SELECT coalesce(jsonb_agg(to_jsonb(e) || jsonb_build_object('programme', pr.name) ORDER BY e.enrolled_on), '[]')
                         FROM programme_enrolment e JOIN programme pr ON pr.id = e.programme_id WHERE e.customer_id = c.id),
        'contacts', (SELECT coalesce(jsonb_agg(to_jsonb(i) || jsonb_build_object('staff', s.display_name,
                                 'survey', (SELECT to_jsonb(v) FROM satisfaction_survey v WHERE v.interaction_id = i.id))
                                 ORDER BY i.started_at, i.id), '[]')
                       FROM interaction i LEFT JOIN staff s ON s.id = i.staff_id WHERE i.customer_id = c.id),
        'complaints', (SELECT coalesce(jsonb_agg(to_jsonb(k) || jsonb_build_object(
                           'history', (SELECT coalesce(jsonb_agg(to_jsonb(h) ORDER BY h.at, h.id), '[]')
                                         FROM complaint_history h WHERE h.complaint_id = k.id),
                           'compensation', (SELECT coalesce(jsonb_agg(to_jsonb(cpay) ORDER BY cpay.created_at), '[]')
                                              FROM compensation_payment cpay WHERE cpay.complaint_id = k.id))
                           ORDER BY k.opened_at, k.id), '[]')
                         FROM complaint k WHERE k.customer_id = c.id),
        'goodwill_credits', (SELECT coalesce(jsonb_agg(to_jsonb(g) ORDER BY g.requested_at, g.id), '[]')
                               FROM goodwill_credit g WHERE g.customer_id = c.id),
        'follow_ups', (SELECT coalesce(jsonb_agg(to_jsonb(f) ORDER BY f.due_on, f.id), '[]')
                         FROM follow_up f WHERE f.customer_id = c.id));
    INSERT INTO audit_log (action, customer_id, entity, entity_id)
    VALUES ('customer.export', c.id, 'customer', c.id::text);
    RETURN doc;
END $$;

-- The same document for people: one "key: value" line per field, nested parts indented,
-- list items numbered. Keys come in jsonb's order (short before long), which is stable.
CREATE FUNCTION export_text(j jsonb, p_indent integer DEFAULT 0) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    pad text := repeat(' ', p_indent);
    out text := '';
    k   text;
    v   jsonb;
    n   bigint;
BEGIN
    IF jsonb_typeof(j) = 'object' THEN
        FOR k, v IN SELECT e.key, e.value FROM jsonb_each(j) e LOOP
            IF jsonb_typeof(v) IN ('object', 'array') AND v NOT IN ('[]'::jsonb, '{}'::jsonb) THEN
                out := out || pad || k || E':\n' || export_text(v, p_indent + 2);
            ELSE
                out := out || pad || k || ': ' || CASE WHEN v = '[]'::jsonb OR v = '{}'::jsonb THEN '(none)'
                                                        WHEN jsonb_typeof(v) = 'null' THEN '-'
                                                        ELSE v #>> '{}' END || E'\n';
            END IF;
        END LOOP;
    ELSIF jsonb_typeof(j) = 'array' THEN
        FOR v, n IN SELECT e.value, e.ord FROM jsonb_array_elements(j) WITH ORDINALITY e(value, ord) LOOP
            IF jsonb_typeof(v) IN ('object', 'array') THEN
                out := out || pad || '#' || n || E'\n' || export_text(v, p_indent + 2);
            ELSE
                out := out || pad || '- ' || coalesce(v #>> '{}', '-') || E'\n';
            END IF;
        END LOOP;
    ELSE
        out := pad || coalesce(j #>> '{}', '-') || E'\n';
    END IF;
    RETURN out;
END $$;

REVOKE EXECUTE ON FUNCTION customer_export(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION customer_export(text) TO careline_supervisor;

-- Integrity checks must see every row, whatever the policies hide from the person writing:
-- a field worker's credit on a closed complaint of a customer outside their office must
-- still be refused, not pass because the complaint looked absent.
ALTER FUNCTION complaint_open_guard() SECURITY DEFINER SET search_path = public, pg_temp;
