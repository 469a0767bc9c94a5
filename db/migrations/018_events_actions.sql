-- 018_events_actions.sql — declaring, updating and closing an event in one call each (idempotent, version-checked; times come resolved from the client's one check), its reach before it is declared, its complaints handled as one, and the guaranteed payments owed when supply came back late.

------------------------------------------------------------------------------------------
-- What each kind of event means for policy: the complaint category complaints about it
-- are filed under (and whose guaranteed standard applies when it is closed late).
CREATE TABLE critical_event_kind (
    kind        text PRIMARY KEY CHECK (kind IN ('supply_interruption','boil_water','do_not_drink',
                    'low_pressure','planned_works','sewer_flooding','discolouration')),
    category_id integer REFERENCES complaint_category
);
INSERT INTO critical_event_kind (kind, category_id)
SELECT k, (SELECT id FROM complaint_category WHERE code = c)
  FROM (VALUES ('supply_interruption', 'supply.interruption'), ('boil_water', 'quality.notice'),
               ('do_not_drink', 'quality.notice'), ('low_pressure', 'supply.low_pressure'),
               ('planned_works', 'works.planned_notice'), ('sewer_flooding', 'wastewater.flooding_internal'),
               ('discolouration', 'quality.discoloured')) AS m(k, c);
GRANT SELECT ON critical_event_kind TO careline_agent, careline_field;
GRANT INSERT, UPDATE, DELETE ON critical_event_kind TO careline_admin;

-- Standards measured on an event's duration: owed when it lasted longer than restore_hours,
-- compensation_per_period more for each further whole period_hours. Data, effective-dated
-- with the rest of the standard.
ALTER TABLE response_standard
    ADD COLUMN restore_hours numeric(6,2) CHECK (restore_hours > 0),
    ADD COLUMN period_hours  numeric(6,2) CHECK (period_hours > 0);
UPDATE response_standard SET restore_hours = 12, period_hours = 24 WHERE gss_code = 'GSS-SUPPLY-RESTORE';
UPDATE response_standard SET restore_hours = 48, period_hours = 24 WHERE gss_code = 'GSS-NOTICE-48H';

-- Guaranteed payments owed to the customers of an event that lasted too long: one per event
-- and customer, so settling twice never pays twice.
CREATE TABLE event_compensation (
    event_id             uuid NOT NULL REFERENCES critical_event,
    customer_id          bigint NOT NULL REFERENCES customer,
    premise_id           bigint REFERENCES premise,
    response_standard_id integer NOT NULL REFERENCES response_standard,
    customer_type        text NOT NULL,
    hours                numeric(8,2) NOT NULL,
    further_periods      integer NOT NULL CHECK (further_periods >= 0),
    amount               numeric(10,2) NOT NULL CHECK (amount >= 0),
    status               text NOT NULL DEFAULT 'owed' CHECK (status IN ('owed','paid','cancelled')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    paid_at              timestamptz,
    PRIMARY KEY (event_id, customer_id)
);
CREATE INDEX event_compensation_customer_idx ON event_compensation (customer_id);
GRANT SELECT ON event_compensation TO careline_agent, careline_field;
GRANT UPDATE (status, paid_at) ON event_compensation TO careline_supervisor;
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON event_compensation
    FOR EACH ROW EXECUTE FUNCTION audit_change();

------------------------------------------------------------------------------------------
-- Who made each revision: the revision is written with the owner's rights (018), where
-- current_user is the owner, so the person is the session's login, and a login that is not
-- staff (an on-call script's role) is named as it is.
ALTER TABLE critical_event_revision ADD COLUMN actor text;
CREATE OR REPLACE FUNCTION critical_event_record_revision() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    e    critical_event;
    prev critical_event_revision;
BEGIN
    SELECT * INTO e FROM critical_event WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO prev FROM critical_event_revision
     WHERE event_id = e.id AND version < e.version ORDER BY version DESC LIMIT 1;
    INSERT INTO critical_event_revision (event_id, version, action, at, staff_id, actor, request_id, status, title,
                                         customer_message, agent_message, estimated_restore_at, ended_at,
                                         zones, sectors)
    VALUES (e.id, e.version,
            CASE WHEN prev.event_id IS NULL THEN 'declare'
                 WHEN e.status = 'ended' AND prev.status IS DISTINCT FROM 'ended' THEN 'close'
                 ELSE 'update' END,
            e.updated_at, (SELECT id FROM staff_of_login(session_user::text)), session_user,
            CASE WHEN NOT EXISTS (SELECT 1 FROM critical_event_revision r WHERE r.request_id = e.last_request)
                 THEN e.last_request END,
            e.status, e.title, e.customer_message, e.agent_message, e.estimated_restore_at, e.ended_at,
            ARRAY(SELECT zone_id FROM critical_event_zone WHERE event_id = e.id ORDER BY zone_id),
            ARRAY(SELECT sector FROM critical_event_sector WHERE event_id = e.id ORDER BY sector))
    ON CONFLICT (event_id, version) DO NOTHING;
    RETURN NULL;
END $$;

-- The first revision of events that have none (made with the revision trigger off, as the
-- demo data is): what the event says now, as its version.
CREATE FUNCTION critical_event_revisions_fill() RETURNS integer
LANGUAGE sql AS $$
    WITH ins AS (
        INSERT INTO critical_event_revision (event_id, version, action, at, staff_id, actor, status, title,
                                             customer_message, agent_message, estimated_restore_at, ended_at,
                                             zones, sectors)
        SELECT e.id, e.version, CASE WHEN e.status = 'ended' THEN 'close' ELSE 'declare' END, e.updated_at,
               e.declared_by, NULL, e.status, e.title, e.customer_message, e.agent_message, e.estimated_restore_at,
               e.ended_at, ARRAY(SELECT zone_id FROM critical_event_zone z WHERE z.event_id = e.id ORDER BY zone_id),
               ARRAY(SELECT sector FROM critical_event_sector s WHERE s.event_id = e.id ORDER BY sector)
          FROM critical_event e
         WHERE NOT EXISTS (SELECT 1 FROM critical_event_revision r WHERE r.event_id = e.id)
        ON CONFLICT (event_id, version) DO NOTHING
        RETURNING 1)
    SELECT count(*)::integer FROM ins
$$;

------------------------------------------------------------------------------------------
-- Zone codes to ids, naming the first code that is not a zone.
CREATE FUNCTION critical_event_zone_ids(p_codes text[]) RETURNS integer[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    bad text;
BEGIN
    SELECT c INTO bad FROM unnest(coalesce(p_codes, '{}')) c
     WHERE NOT EXISTS (SELECT 1 FROM zone z WHERE z.code = upper(btrim(c))) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'no zone has the code "%"', bad USING ERRCODE = 'no_data_found';
    END IF;
    RETURN ARRAY(SELECT DISTINCT z.id FROM zone z WHERE z.code IN (SELECT upper(btrim(c)) FROM unnest(p_codes) c)
                  ORDER BY z.id);
END $$;

-- Every customer linked today to a premise in these zones or postcode sectors, once each:
-- the one definition behind an event's affected customers and the preview before declaring.
CREATE FUNCTION critical_event_area_customers(p_zones integer[], p_sectors text[])
RETURNS TABLE (customer_id bigint, premise_id bigint, preferred_channel text, priority_services boolean,
               vulnerable boolean, non_digital boolean)
LANGUAGE sql STABLE AS $$
    WITH prem AS (
        SELECT p.id FROM premise p WHERE p.zone_id = ANY (p_zones)
        UNION
        SELECT p.id FROM premise p WHERE left(p.postcode, -2) = ANY (p_sectors)
    )
    SELECT DISTINCT ON (c.id) c.id, cp.premise_id, c.preferred_channel, c.priority_services,
           cardinality(c.vulnerability) > 0, c.non_digital
      FROM prem
      JOIN customer_premise cp ON cp.premise_id = prem.id
       AND cp.start_date <= current_date AND (cp.end_date IS NULL OR cp.end_date >= current_date)
      JOIN customer c ON c.id = cp.customer_id
     ORDER BY c.id, cp.premise_id
$$;

CREATE OR REPLACE FUNCTION critical_event_affected(p_event uuid)
RETURNS TABLE (customer_id bigint, premise_id bigint, preferred_channel text, priority_services boolean,
               vulnerable boolean, non_digital boolean)
LANGUAGE sql STABLE AS $$
    SELECT * FROM critical_event_area_customers(
        ARRAY(SELECT zone_id FROM critical_event_zone WHERE event_id = p_event),
        ARRAY(SELECT sector FROM critical_event_sector WHERE event_id = p_event))
$$;

-- The active events at each customer's current premises, by zone or postcode sector: the one
-- definition the customer view's banner, complaint intake and the statements that follow
-- them use.
CREATE VIEW critical_event_customer AS
SELECT cp.customer_id, cp.premise_id, e.id AS event_id
  FROM customer_premise cp
  JOIN premise p ON p.id = cp.premise_id
  JOIN critical_event e ON e.status = 'active'
   AND (EXISTS (SELECT 1 FROM critical_event_zone z WHERE z.event_id = e.id AND z.zone_id = p.zone_id)
        OR EXISTS (SELECT 1 FROM critical_event_sector s WHERE s.event_id = e.id AND s.sector = left(p.postcode, -2)))
 WHERE cp.end_date IS NULL AND cp.start_date <= current_date;
GRANT SELECT ON critical_event_customer TO careline_agent, careline_field;

-- Who an event would reach, by preferred channel, before it is declared or widened: the
-- event's own area (p_event, may be NULL) plus the zones and sectors given.
CREATE FUNCTION critical_event_reach(p_event uuid, p_zones text[], p_sectors text[])
RETURNS TABLE (preferred_channel text, customers bigint, priority_services bigint, vulnerable bigint,
               non_digital bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.preferred_channel, count(*), count(*) FILTER (WHERE a.priority_services),
           count(*) FILTER (WHERE a.vulnerable), count(*) FILTER (WHERE a.non_digital)
      FROM critical_event_area_customers(
               critical_event_zone_ids(p_zones)
                   || ARRAY(SELECT zone_id FROM critical_event_zone WHERE event_id = p_event),
               coalesce(p_sectors, '{}')
                   || ARRAY(SELECT sector FROM critical_event_sector WHERE event_id = p_event)) a
     GROUP BY a.preferred_channel
     ORDER BY count(*) DESC, a.preferred_channel
$$;

------------------------------------------------------------------------------------------
-- Declare: the event, its zones and sectors in one transaction, so its first revision (and
-- every message queued from it) sees the whole area. The id is made by the client: a replay
-- returns the event as it is (created false) and changes nothing.
CREATE FUNCTION critical_event_declare(p_id uuid, p_kind text, p_title text, p_description text,
                                       p_zones text[], p_sectors text[], p_started timestamptz,
                                       p_restore timestamptz, p_agent_message text, p_template text,
                                       p_fields jsonb, p_customer_message text)
RETURNS TABLE (version integer, created boolean)
LANGUAGE plpgsql AS $$
DECLARE
    zones integer[] := critical_event_zone_ids(p_zones);
    v     integer;
BEGIN
    SELECT e.version INTO v FROM critical_event e WHERE e.id = p_id;
    IF FOUND THEN
        RETURN QUERY SELECT v, false;
        RETURN;
    END IF;
    IF cardinality(zones) = 0 AND cardinality(coalesce(p_sectors, '{}')) = 0 THEN
        RAISE EXCEPTION 'an event needs at least one zone or postcode sector' USING ERRCODE = 'check_violation';
    END IF;
    IF p_restore IS NOT NULL AND p_restore <= coalesce(p_started, now()) THEN
        RAISE EXCEPTION 'the estimated restore time must be after the start' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO critical_event (id, kind, title, description, started_at, estimated_restore_at, agent_message,
                                category_id, declared_by, customer_message, template_code, message_fields,
                                last_request)
    VALUES (p_id, p_kind, btrim(p_title), nullif(btrim(p_description), ''), coalesce(p_started, now()), p_restore,
            p_agent_message, (SELECT category_id FROM critical_event_kind WHERE kind = p_kind), current_staff_id(),
            p_customer_message, nullif(p_template, ''), coalesce(p_fields, '{}'), p_id);
    INSERT INTO critical_event_zone (event_id, zone_id) SELECT p_id, unnest(zones);
    INSERT INTO critical_event_sector (event_id, sector) SELECT DISTINCT p_id, s FROM unnest(p_sectors) s;
    RETURN QUERY SELECT 1, true;
END $$;

-- Update: a new estimate, message, read-out or title, and zones or sectors added. NULL
-- arguments leave things as they are. Returns the new version; NULL when the event is no
-- longer at p_version (someone else changed it: nothing written). The request id makes a
-- replay return the version it made instead of a conflict.
CREATE FUNCTION critical_event_update(p_id uuid, p_version integer, p_request uuid, p_title text,
                                      p_restore timestamptz, p_agent_message text, p_template text,
                                      p_fields jsonb, p_customer_message text, p_add_zones text[],
                                      p_add_sectors text[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    e     critical_event;
    zones integer[] := critical_event_zone_ids(p_add_zones);
    v     integer;
BEGIN
    SELECT r.version INTO v FROM critical_event_revision r WHERE r.request_id = p_request AND r.event_id = p_id;
    IF FOUND THEN
        RETURN v;
    END IF;
    SELECT * INTO e FROM critical_event WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such event' USING ERRCODE = 'no_data_found';
    ELSIF e.last_request = p_request THEN
        RETURN e.version;       -- replayed within the transaction that made it
    ELSIF e.version <> p_version THEN
        RETURN NULL;
    ELSIF e.status = 'ended' THEN
        RAISE EXCEPTION 'the event "%" has ended: declare a new one', e.title USING ERRCODE = 'check_violation';
    ELSIF p_restore IS NOT NULL AND p_restore <= e.started_at THEN
        RAISE EXCEPTION 'the estimated restore time must be after the start' USING ERRCODE = 'check_violation';
    END IF;
    UPDATE critical_event SET
        title = coalesce(nullif(btrim(p_title), ''), title),
        estimated_restore_at = coalesce(p_restore, estimated_restore_at),
        agent_message = coalesce(nullif(p_agent_message, ''), agent_message),
        template_code = coalesce(nullif(p_template, ''), template_code),
        message_fields = coalesce(p_fields, message_fields),
        customer_message = coalesce(nullif(p_customer_message, ''), customer_message),
        last_request = p_request
     WHERE id = p_id
    RETURNING critical_event.version INTO v;
    INSERT INTO critical_event_zone (event_id, zone_id) SELECT p_id, unnest(zones) ON CONFLICT DO NOTHING;
    INSERT INTO critical_event_sector (event_id, sector) SELECT DISTINCT p_id, s FROM unnest(p_add_sectors) s
        ON CONFLICT DO NOTHING;
    RETURN v;
END $$;

-- A root cause named by its code: NULL for none (empty), an error naming an unknown one.
CREATE FUNCTION critical_event_root_cause(p_code text) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    cause integer;
BEGIN
    IF nullif(btrim(p_code), '') IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT id INTO cause FROM root_cause WHERE code = btrim(p_code);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no root cause has the code "%"', p_code USING ERRCODE = 'no_data_found';
    END IF;
    RETURN cause;
END $$;

-- Guaranteed payments for an ended event that lasted longer than its kind's standard allows,
-- for every customer it affected: the standard in force on the day it started, for the
-- region of the customer's premise and their customer type. Returns payments created.
CREATE FUNCTION critical_event_settle(p_event uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    e     critical_event;
    cat   integer;
    hours numeric;
    n     integer;
BEGIN
    SELECT * INTO e FROM critical_event WHERE id = p_event;
    IF NOT FOUND OR e.status <> 'ended' THEN
        RETURN 0;
    END IF;
    SELECT category_id INTO cat FROM critical_event_kind WHERE kind = e.kind;
    IF cat IS NULL THEN
        RETURN 0;
    END IF;
    hours := extract(epoch FROM e.ended_at - e.started_at) / 3600;
    INSERT INTO event_compensation (event_id, customer_id, premise_id, response_standard_id, customer_type, hours,
                                    further_periods, amount)
    SELECT e.id, a.customer_id, a.premise_id, s.id, c.customer_type, round(hours, 2),
           coalesce(floor((hours - s.restore_hours) / s.period_hours), 0)::integer,
           s.compensation_amount
             + coalesce(floor((hours - s.restore_hours) / s.period_hours) * s.compensation_per_period, 0)
      FROM critical_event_affected(e.id) a
      JOIN customer c ON c.id = a.customer_id
      JOIN premise p ON p.id = a.premise_id
      JOIN zone z ON z.id = p.zone_id
     CROSS JOIN LATERAL (
        SELECT r.* FROM applicable_standards(cat, z.region, c.customer_type,
                                             (e.started_at AT TIME ZONE careline_timezone())::date) x
          JOIN response_standard r ON r.id = x.standard_id
         WHERE r.restore_hours IS NOT NULL AND r.compensation_amount IS NOT NULL
         ORDER BY x.distance, r.region IS NULL, r.customer_type IS NULL
         LIMIT 1) s
     WHERE hours > s.restore_hours
    ON CONFLICT (event_id, customer_id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION critical_event_settle(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION critical_event_settle(uuid) TO careline_supervisor;

-- Close: the actual restore time (default now), the message that it is over, the root cause;
-- the guaranteed payments are settled in the same transaction. Returns the new version
-- (NULL: stale) and what is owed.
CREATE FUNCTION critical_event_close(p_id uuid, p_version integer, p_request uuid, p_ended timestamptz,
                                     p_template text, p_fields jsonb, p_customer_message text, p_root_cause text)
RETURNS TABLE (version integer, payments integer, owed numeric)
LANGUAGE plpgsql AS $$
DECLARE
    e     critical_event;
    cause integer;
    v     integer;
BEGIN
    SELECT r.version INTO v FROM critical_event_revision r WHERE r.request_id = p_request AND r.event_id = p_id;
    IF NOT FOUND THEN
        SELECT * INTO e FROM critical_event WHERE id = p_id FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no such event' USING ERRCODE = 'no_data_found';
        ELSIF e.last_request = p_request THEN
            v := e.version;
        ELSIF e.version <> p_version THEN
            RETURN QUERY SELECT NULL::integer, 0, 0::numeric;
            RETURN;
        ELSIF e.status = 'ended' THEN
            RAISE EXCEPTION 'the event "%" has already ended', e.title USING ERRCODE = 'check_violation';
        -- Clients send whole seconds: the second the event started in is not before it.
        ELSIF coalesce(p_ended, now()) < date_trunc('second', e.started_at) THEN
            RAISE EXCEPTION 'the restore time must not be before the start' USING ERRCODE = 'check_violation';
        ELSIF p_ended > now() + interval '5 minutes' THEN
            RAISE EXCEPTION 'the restore time is in the future: close the event when supply is back'
                USING ERRCODE = 'check_violation';
        END IF;
        cause := critical_event_root_cause(p_root_cause);
        IF v IS NULL THEN
            UPDATE critical_event SET status = 'ended',
                   ended_at = least(greatest(coalesce(p_ended, now()), e.started_at), now()),
                   template_code = coalesce(nullif(p_template, ''), template_code),
                   message_fields = coalesce(p_fields, message_fields),
                   customer_message = coalesce(nullif(p_customer_message, ''), customer_message),
                   root_cause_id = coalesce(cause, root_cause_id), last_request = p_request
             WHERE id = p_id
            RETURNING critical_event.version INTO v;
            PERFORM critical_event_settle(p_id);
        END IF;
    END IF;
    RETURN QUERY SELECT v, count(*)::integer, coalesce(sum(c.amount), 0)
                   FROM event_compensation c WHERE c.event_id = p_id;
END $$;

------------------------------------------------------------------------------------------
-- The event as parent of the complaints filed about it. Supervisors act on all of them at
-- once; each complaint's own rules (transitions, guards, history) apply as usual.
CREATE FUNCTION critical_event_require_supervisor() RETURNS void LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT pg_has_role('careline_supervisor', 'member') THEN
        RAISE EXCEPTION 'only a supervisor acts on all of an event''s complaints'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;

-- The same note on every open complaint linked to the event (not resolved or closed). A replay with the
-- same request id adds nothing (the history rows' ids come from it). Returns notes added.
CREATE FUNCTION critical_event_note_complaints(p_event uuid, p_request uuid, p_note text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    PERFORM critical_event_require_supervisor();
    IF coalesce(btrim(p_note), '') = '' THEN
        RAISE EXCEPTION 'the note is empty' USING ERRCODE = 'check_violation';
    END IF;
    INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note, details)
    SELECT md5(p_request::text || k.id::text)::uuid, k.id, current_staff_id(), 'note', btrim(p_note),
           jsonb_build_object('event_id', p_event)
      FROM complaint k
     WHERE k.critical_event_id = p_event AND k.status NOT IN ('resolved', 'closed') AND k.merged_into IS NULL
    ON CONFLICT (id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Resolve every open complaint linked to the event with its root cause (or p_cause) and one
-- summary, stepping each through the life cycle it must follow. Already resolved ones are left
-- alone, so running it twice resolves nothing twice. Returns complaints resolved.
CREATE FUNCTION critical_event_resolve_complaints(p_event uuid, p_cause text, p_summary text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    cause integer;
    k     complaint;
    n     integer := 0;
BEGIN
    PERFORM critical_event_require_supervisor();
    IF coalesce(btrim(p_summary), '') = '' THEN
        RAISE EXCEPTION 'say what was done: the resolution summary is empty' USING ERRCODE = 'check_violation';
    END IF;
    cause := coalesce(critical_event_root_cause(p_cause),
                      (SELECT root_cause_id FROM critical_event WHERE id = p_event));
    IF cause IS NULL THEN
        RAISE EXCEPTION 'choose the root cause: the event has none yet' USING ERRCODE = 'check_violation';
    END IF;
    FOR k IN SELECT * FROM complaint WHERE critical_event_id = p_event AND merged_into IS NULL
                AND status NOT IN ('resolved', 'closed') ORDER BY opened_at FOR UPDATE LOOP
        IF k.status IN ('new') THEN
            UPDATE complaint SET status = 'acknowledged' WHERE id = k.id;
        END IF;
        IF k.status IN ('new', 'acknowledged', 'waiting_customer') THEN
            UPDATE complaint SET status = 'investigating' WHERE id = k.id;
        END IF;
        UPDATE complaint SET status = 'resolved', root_cause_id = cause, resolution_summary = btrim(p_summary),
               status_reason = 'Resolved with the critical event'
         WHERE id = k.id;
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

GRANT EXECUTE ON FUNCTION critical_event_zone_ids(text[]),
    critical_event_area_customers(integer[], text[]), critical_event_reach(uuid, text[], text[])
   TO careline_agent, careline_field;

-- Events declared before this migration: the category of their kind, for complaints.
UPDATE critical_event e SET category_id = k.category_id
  FROM critical_event_kind k WHERE k.kind = e.kind AND e.category_id IS NULL;

-- Who the CAP alerts come from (`careline event cap`): the utility's domain or address.
INSERT INTO app_setting (key, value, description) VALUES
    ('cap_sender', 'alerts@careline.invalid', 'sender of the CAP alerts of critical events: the utility''s address')
ON CONFLICT (key) DO NOTHING;
