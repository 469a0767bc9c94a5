-- 018_events.sql — critical events as something a supervisor declares: customer messages from templates, postcode sectors, one revision per declare/update/close, and the set of affected customers.
--
-- The contract other modules build on (notifications, the CAP feed):
--   * critical_event.version goes up on every declare, update and close, including a change
--     that only adds zones or postcode sectors (the zone and sector triggers bump it);
--   * critical_event_revision gets exactly one row per (event, version) that was committed,
--     written at COMMIT (a deferred constraint trigger), so it sees the final zones, sectors
--     and message of that version: queue per-customer work from a trigger on its INSERT;
--   * critical_event_affected(event) is every customer linked today to a premise in the
--     event's zones or postcode sectors, once each.

------------------------------------------------------------------------------------------
-- The message customers receive (SMS, e-mail, the call list's script), filled in from a
-- pre-approved template, and the values that filled it; last_request is the client-made id
-- of the write that made the current version, so a write replayed after a lost connection
-- is recognised (critical_event_revision.request_id) instead of applied twice.
ALTER TABLE critical_event
    ADD COLUMN customer_message text,
    ADD COLUMN template_code    text,
    ADD COLUMN message_fields   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(message_fields) = 'object'),
    ADD COLUMN root_cause_id    integer REFERENCES root_cause,
    ADD COLUMN last_request     uuid,
    ADD CONSTRAINT critical_event_restore_after_start
        CHECK (estimated_restore_at IS NULL OR estimated_restore_at > started_at),
    ADD CONSTRAINT critical_event_end_after_start CHECK (ended_at IS NULL OR ended_at >= started_at);

-- Postcode sectors ("LS6 2": outward code, a space, the sector digit), for events that do not
-- follow zone boundaries (a burst main serves part of a zone and a street of the next).
CREATE TABLE critical_event_sector (
    event_id uuid NOT NULL REFERENCES critical_event ON DELETE CASCADE,
    sector   text NOT NULL CHECK (sector ~ '^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9]$'),
    PRIMARY KEY (event_id, sector)
);
CREATE INDEX critical_event_sector_sector_idx ON critical_event_sector (sector);
-- premise.postcode is 'LS6 2AB': its sector is everything but the last two characters.
CREATE INDEX premise_sector_idx ON premise ((left(postcode, -2)));

-- Pre-approved customer messages, per kind of event and stage (while it lasts, once it is
-- over). Fields in braces ({area}, {restore}, ...) are filled at declare time; the filled
-- text is checked for SMS length by the client. Shared policy, so it lives here: an
-- administrator changes wording with an UPDATE, not a release.
CREATE TABLE critical_event_template (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z0-9_.]+$'),
    kind       text NOT NULL CHECK (kind IN ('supply_interruption','boil_water','do_not_drink',
                   'low_pressure','planned_works','sewer_flooding','discolouration')),
    stage      text NOT NULL DEFAULT 'active' CHECK (stage IN ('active','closed')),
    name       text NOT NULL,
    body       text NOT NULL CHECK (btrim(body) <> ''),
    active     boolean NOT NULL DEFAULT true,
    sort_order integer NOT NULL DEFAULT 0,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX critical_event_template_kind_idx ON critical_event_template (kind, stage, sort_order);
CREATE TRIGGER critical_event_template_version BEFORE UPDATE ON critical_event_template
    FOR EACH ROW EXECUTE FUNCTION bump_version_updated();
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON critical_event_template
    FOR EACH ROW EXECUTE FUNCTION audit_change();
ALTER TABLE critical_event ADD CONSTRAINT critical_event_template_fk
    FOREIGN KEY (template_code) REFERENCES critical_event_template (code);

-- Plain words, GSM-7 characters only (no curly quotes, no dashes), so one SMS segment is 160
-- characters; each stays within one or two segments once filled.
INSERT INTO critical_event_template (code, kind, stage, name, body, sort_order) VALUES
    ('supply_interruption', 'supply_interruption', 'active', 'No water',
     'Careline: water supply in {area} is interrupted. We expect it back by {restore}. Bottled water: {bottled_water_point}. Sorry for the trouble.', 1),
    ('supply_interruption.restored', 'supply_interruption', 'closed', 'Supply restored',
     'Careline: water supply in {area} is back. If it looks cloudy or discoloured, run the cold kitchen tap until clear. Thank you for your patience.', 2),
    ('boil_water', 'boil_water', 'active', 'Boil water notice',
     'Careline: boil water notice in {area}. Boil tap water and let it cool before drinking, cooking or brushing teeth until we tell you. Bottled water: {bottled_water_point}.', 1),
    ('boil_water.lifted', 'boil_water', 'closed', 'Boil water notice lifted',
     'Careline: the boil water notice in {area} is lifted. Your tap water is safe to drink. Run the cold kitchen tap for 2 minutes first.', 2),
    ('do_not_drink', 'do_not_drink', 'active', 'Do not drink',
     'Careline: do NOT drink tap water in {area}, even boiled. Use it only to flush toilets. Bottled water: {bottled_water_point}. Updates by {restore}.', 1),
    ('do_not_drink.lifted', 'do_not_drink', 'closed', 'Do not drink lifted',
     'Careline: tap water in {area} is safe to drink again. Run the cold kitchen tap for 2 minutes first. Thank you for your patience.', 2),
    ('low_pressure', 'low_pressure', 'active', 'Low pressure',
     'Careline: low water pressure in {area}, mostly upstairs and at peak times. We expect normal pressure by {restore}. Please use water wisely.', 1),
    ('low_pressure.restored', 'low_pressure', 'closed', 'Pressure restored',
     'Careline: water pressure in {area} is back to normal. Thank you for using water wisely.', 2),
    ('planned_works', 'planned_works', 'active', 'Planned works',
     'Careline: planned work on the water main in {area} from {start}. Your supply may be off until {restore}. Please store some water beforehand.', 1),
    ('planned_works.complete', 'planned_works', 'closed', 'Planned works complete',
     'Careline: our planned work in {area} is complete and your supply is back. If the water is cloudy, run the cold kitchen tap until clear.', 2),
    ('sewer_flooding', 'sewer_flooding', 'active', 'Sewer incident',
     'Careline: we are dealing with a sewer problem in {area}. Please avoid flood water and limit water use. We expect it cleared by {restore}.', 1),
    ('sewer_flooding.cleared', 'sewer_flooding', 'closed', 'Sewer incident cleared',
     'Careline: the sewer problem in {area} is fixed. Report any flooding on your property on 0800 000 000.', 2),
    ('discolouration', 'discolouration', 'active', 'Discoloured water',
     'Careline: tap water in {area} may look brown or cloudy after work on our mains. Run the cold kitchen tap until clear. We expect it clear by {restore}.', 1),
    ('discolouration.cleared', 'discolouration', 'closed', 'Water clear again',
     'Careline: the water in {area} should now be clear. If not, run the cold kitchen tap for a few minutes or call us.', 2);

------------------------------------------------------------------------------------------
-- One row per committed version of an event: what was said, to whom (zones, sectors), when,
-- by whom. The CAP feed's Update and Cancel messages reference the earlier rows; the
-- notification outbox queues from its INSERT.
CREATE TABLE critical_event_revision (
    event_id             uuid NOT NULL REFERENCES critical_event ON DELETE CASCADE,
    version              integer NOT NULL,
    action               text NOT NULL CHECK (action IN ('declare','update','close')),
    at                   timestamptz NOT NULL DEFAULT now(),
    staff_id             integer REFERENCES staff,
    request_id           uuid UNIQUE,
    status               text NOT NULL,
    title                text NOT NULL,
    customer_message     text,
    agent_message        text NOT NULL,
    estimated_restore_at timestamptz,
    ended_at             timestamptz,
    zones                integer[] NOT NULL,
    sectors              text[] NOT NULL,
    PRIMARY KEY (event_id, version)
);

-- Runs at COMMIT (deferred), once per changed row, and reads the row as committed: several
-- changes of one transaction make one revision, of the final version. Owner's rights: the
-- revision is the database's record, not something a client writes.
CREATE FUNCTION critical_event_record_revision() RETURNS trigger
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
    INSERT INTO critical_event_revision (event_id, version, action, at, staff_id, request_id, status, title,
                                         customer_message, agent_message, estimated_restore_at, ended_at,
                                         zones, sectors)
    VALUES (e.id, e.version,
            CASE WHEN prev.event_id IS NULL THEN 'declare'
                 WHEN e.status = 'ended' AND prev.status IS DISTINCT FROM 'ended' THEN 'close'
                 ELSE 'update' END,
            e.updated_at, coalesce(current_staff_id(), e.declared_by),
            CASE WHEN NOT EXISTS (SELECT 1 FROM critical_event_revision r WHERE r.request_id = e.last_request)
                 THEN e.last_request END,
            e.status, e.title, e.customer_message, e.agent_message, e.estimated_restore_at, e.ended_at,
            ARRAY(SELECT zone_id FROM critical_event_zone WHERE event_id = e.id ORDER BY zone_id),
            ARRAY(SELECT sector FROM critical_event_sector WHERE event_id = e.id ORDER BY sector))
    ON CONFLICT (event_id, version) DO NOTHING;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER critical_event_revision AFTER INSERT OR UPDATE ON critical_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION critical_event_record_revision();

-- Adding or removing a zone or sector is an update of the event: bump its version, unless the
-- event row was already written in this transaction (its declare or update bumped it once).
CREATE FUNCTION critical_event_area_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ev uuid := coalesce(NEW.event_id, OLD.event_id);
BEGIN
    UPDATE critical_event SET updated_at = now()
     WHERE id = ev AND xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END $$;
CREATE TRIGGER critical_event_zone_version AFTER INSERT OR DELETE ON critical_event_zone
    FOR EACH ROW EXECUTE FUNCTION critical_event_area_changed();
CREATE TRIGGER critical_event_sector_version AFTER INSERT OR DELETE ON critical_event_sector
    FOR EACH ROW EXECUTE FUNCTION critical_event_area_changed();
CREATE TRIGGER critical_event_sector_notify AFTER INSERT OR UPDATE OR DELETE ON critical_event_sector
    FOR EACH ROW EXECUTE FUNCTION critical_event_notify();
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON critical_event_sector
    FOR EACH ROW EXECUTE FUNCTION audit_change();

-- Events declared before this migration have their first revision, so an update of one is
-- an Update that references it.
INSERT INTO critical_event_revision (event_id, version, action, at, staff_id, status, title, customer_message,
                                     agent_message, estimated_restore_at, ended_at, zones, sectors)
SELECT e.id, e.version, CASE WHEN e.status = 'ended' THEN 'close' ELSE 'declare' END, e.updated_at, e.declared_by,
       e.status, e.title, e.customer_message, e.agent_message, e.estimated_restore_at, e.ended_at,
       ARRAY(SELECT zone_id FROM critical_event_zone z WHERE z.event_id = e.id ORDER BY zone_id), '{}'
  FROM critical_event e;

------------------------------------------------------------------------------------------
-- Every customer linked today (billing or occupier) to a premise in the event's zones or
-- postcode sectors, once each (a customer with several affected premises: the lowest premise
-- id). "Vulnerable" is any vulnerability code recorded (medical_water, dialysis, hearing, ...).
-- SECURITY INVOKER: field staff see only the customers their policies show them.
CREATE FUNCTION critical_event_affected(p_event uuid)
RETURNS TABLE (customer_id bigint, premise_id bigint, preferred_channel text, priority_services boolean,
               vulnerable boolean, non_digital boolean)
LANGUAGE sql STABLE AS $$
    WITH prem AS (
        SELECT p.id FROM premise p JOIN critical_event_zone z ON z.zone_id = p.zone_id
         WHERE z.event_id = p_event
        UNION
        SELECT p.id FROM premise p JOIN critical_event_sector s ON left(p.postcode, -2) = s.sector
         WHERE s.event_id = p_event
    )
    SELECT DISTINCT ON (c.id) c.id, cp.premise_id, c.preferred_channel, c.priority_services,
           cardinality(c.vulnerability) > 0, c.non_digital
      FROM prem
      JOIN customer_premise cp ON cp.premise_id = prem.id
       AND cp.start_date <= current_date AND (cp.end_date IS NULL OR cp.end_date >= current_date)
      JOIN customer c ON c.id = cp.customer_id
     ORDER BY c.id, cp.premise_id
$$;

------------------------------------------------------------------------------------------
GRANT SELECT ON critical_event_sector, critical_event_template, critical_event_revision
   TO careline_agent, careline_field;
GRANT INSERT, DELETE ON critical_event_sector TO careline_supervisor;
GRANT INSERT, UPDATE, DELETE ON critical_event_template TO careline_admin;
