-- 017_queue.sql — the supervisor's queue and "My work": teams a supervisor runs, new complaints routed to a team by category, take/assign/escalate as idempotent versioned writes the database polices by role, and a push to every open queue when a complaint changes.

------------------------------------------------------------------------------------------
-- Teams. A team is a name on staff rows (staff.team) and on complaints (complaint.team).
-- A supervisor runs their own team and any listed here (an admin adds the rows).
CREATE TABLE team_supervisor (
    staff_id integer NOT NULL REFERENCES staff,
    team     text NOT NULL CHECK (btrim(team) <> ''),
    PRIMARY KEY (staff_id, team)
);
GRANT SELECT ON team_supervisor TO careline_agent, careline_field;
GRANT INSERT, DELETE ON team_supervisor TO careline_admin;
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON team_supervisor
    FOR EACH ROW EXECUTE FUNCTION audit_change();

-- New complaints go to the team of their category (a parent's team covers its leaves), so
-- they land in that team's queue at once; a complaint whose category names no team stays
-- without one and shows in every team queue until someone assigns it.
ALTER TABLE complaint_category ADD COLUMN team text CHECK (team IS NULL OR btrim(team) <> '');
UPDATE complaint_category SET team = 'Billing' WHERE parent_id IS NULL AND code IN ('billing', 'metering');
UPDATE complaint_category SET team = 'Operations'
 WHERE parent_id IS NULL AND code IN ('supply', 'quality', 'wastewater', 'works');
UPDATE complaint_category SET team = 'Complaints'
 WHERE parent_id IS NULL AND code IN ('service', 'conservation', 'developer', 'other');

CREATE FUNCTION category_team(p_category integer) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, team, distance) AS (
        SELECT id, parent_id, team, 0 FROM complaint_category WHERE id = p_category
        UNION ALL
        SELECT c.id, c.parent_id, c.team, up.distance + 1
          FROM complaint_category c JOIN up ON c.id = up.parent_id
         WHERE up.distance < 50
    )
    SELECT team FROM up WHERE team IS NOT NULL ORDER BY distance LIMIT 1
$$;

CREATE FUNCTION complaint_route() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.team IS NULL THEN
        NEW.team := category_team(NEW.category_id);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_route BEFORE INSERT ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_route();

-- The teams whose queue the person connected sees: their own and those they run.
CREATE FUNCTION queue_teams() RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(DISTINCT t ORDER BY t), '{}')
      FROM (SELECT team FROM staff_of_login(current_user::text)
            UNION ALL
            SELECT team FROM team_supervisor WHERE staff_id = current_staff_id()) x(t)
     WHERE t IS NOT NULL
$$;

-- Every team there is: on active staff, on categories, in team_supervisor. Runs as owner:
-- agents may not read whether a staff member is active.
CREATE FUNCTION queue_team_names() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team FROM staff WHERE active AND team IS NOT NULL AND group_role IN ('agent', 'supervisor')
    UNION SELECT team FROM complaint_category WHERE team IS NOT NULL
    UNION SELECT team FROM team_supervisor
$$;

-- Who may be given complaints: active agents and supervisors, with their team and how much
-- open work they hold (the assign list shows it); p_staff: only that one. Runs as owner
-- for the same reason.
CREATE FUNCTION queue_assignees(p_staff integer DEFAULT NULL, OUT id integer, OUT name text, OUT team text,
                                OUT group_role text, OUT open_count bigint)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.id, s.display_name, s.team, s.group_role,
           (SELECT count(*) FROM complaint k
             WHERE k.owner_staff_id = s.id AND k.status NOT IN ('resolved', 'closed'))
      FROM staff s
     WHERE s.active AND s.group_role IN ('agent', 'supervisor') AND (p_staff IS NULL OR s.id = p_staff)
$$;

------------------------------------------------------------------------------------------
-- Who may move work. Supervisors (and admins) assign and reassign to anyone or any team;
-- agents may only take an unassigned complaint for themselves (it joins their team). Roles
-- that are not staff groups (the owner: migrations, seed, maintenance) are not policed.
CREATE FUNCTION complaint_assign_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    me   integer := current_staff_id();
    mine text;
BEGIN
    IF (NEW.owner_staff_id, NEW.team) IS NOT DISTINCT FROM (OLD.owner_staff_id, OLD.team)
       OR pg_has_role('careline_supervisor', 'member')
       OR NOT (pg_has_role('careline_agent', 'member') OR pg_has_role('careline_field', 'member')) THEN
        RETURN NEW;
    END IF;
    SELECT team INTO mine FROM staff_of_login(current_user::text);
    IF me IS NOT NULL AND NEW.owner_staff_id = me AND OLD.owner_staff_id IS NULL
       AND NEW.team IS NOT DISTINCT FROM coalesce(mine, OLD.team) THEN
        RETURN NEW;
    END IF;
    IF OLD.owner_staff_id IS NOT NULL AND OLD.owner_staff_id IS DISTINCT FROM me THEN
        RAISE EXCEPTION 'complaint % is already assigned: only a supervisor reassigns it', OLD.reference
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'only a supervisor assigns complaints; you may take an unassigned one yourself'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER complaint_assign_guard BEFORE UPDATE OF owner_staff_id, team ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_assign_guard();

-- The complaint a queue change is about: refused in words when it is gone, or resolved or
-- closed (reopen it first). p_doing names the change: 'assigning it'.
CREATE FUNCTION complaint_open_for(p_id uuid, p_doing text) RETURNS complaint
LANGUAGE plpgsql AS $$
DECLARE
    k complaint;
BEGIN
    SELECT * INTO k FROM complaint WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this complaint no longer exists' USING ERRCODE = 'no_data_found';
    END IF;
    IF k.status IN ('resolved', 'closed') THEN
        RAISE EXCEPTION 'complaint % is %: reopen it before %', k.reference, k.status, p_doing
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN k;
END $$;

-- Take, assign or reassign: to a staff member (p_owner; the complaint joins their team) or
-- to a team (p_owner NULL, p_team: nobody owns it, the team's queue does). Optimistic
-- locking on version: NULL back means someone else changed the complaint first and nothing
-- was written. Idempotent: when the complaint is already where it is being sent (a retry
-- after a lost answer, or two supervisors agreeing) its version comes back, nothing
-- written. Runs with the caller's rights, so the grants and the guard above apply.
CREATE FUNCTION complaint_assign(p_id uuid, p_version integer, p_owner integer, p_team text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k    complaint;
    want text;
    v    integer;
BEGIN
    k := complaint_open_for(p_id, 'assigning it');
    IF p_owner IS NOT NULL THEN
        SELECT a.team INTO want FROM queue_assignees(p_owner) a;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'that staff member cannot be given complaints (not an active agent or supervisor)'
                USING ERRCODE = 'check_violation';
        END IF;
        want := coalesce(want, k.team);
    ELSE
        want := nullif(btrim(p_team), '');
        IF want IS NULL OR NOT EXISTS (SELECT 1 FROM queue_team_names() t WHERE t = want) THEN
            RAISE EXCEPTION 'there is no team called "%"', coalesce(p_team, '') USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF k.owner_staff_id IS NOT DISTINCT FROM p_owner AND k.team IS NOT DISTINCT FROM want THEN
        RETURN k.version;
    END IF;
    IF k.version <> p_version THEN
        RETURN NULL;
    END IF;
    UPDATE complaint SET owner_staff_id = p_owner, team = want
     WHERE id = p_id AND version = p_version
    RETURNING version INTO v;
    RETURN v;
END $$;

-- Escalate: the severity goes up one step and the reason goes into the history as a note
-- (keyed by the client's p_request, so a retry adds it once and reports success).
-- Optimistic locking as above. Agents and supervisors alike.
CREATE FUNCTION complaint_escalate(p_id uuid, p_version integer, p_request uuid, p_reason text)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k    complaint;
    next text;
    v    integer;
BEGIN
    k := complaint_open_for(p_id, 'escalating it');
    IF EXISTS (SELECT 1 FROM complaint_history WHERE id = p_request AND complaint_id = p_id) THEN
        RETURN k.version;
    END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION 'say why the complaint is escalated' USING ERRCODE = 'check_violation';
    END IF;
    IF k.version <> p_version THEN
        RETURN NULL;
    END IF;
    IF k.severity = 'critical' THEN
        RAISE EXCEPTION 'complaint % is already critical: assign it to someone who can act on it', k.reference
            USING ERRCODE = 'check_violation';
    END IF;
    next := CASE k.severity WHEN 'low' THEN 'medium' WHEN 'medium' THEN 'high' ELSE 'critical' END;
    UPDATE complaint SET severity = next WHERE id = p_id AND version = p_version RETURNING version INTO v;
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO complaint_history (id, complaint_id, staff_id, kind, note, details)
    VALUES (p_request, p_id, current_staff_id(), 'note',
            format('Escalated from %s to %s: %s', k.severity, next, btrim(p_reason)),
            jsonb_build_object('escalation', jsonb_build_object('from', k.severity, 'to', next)));
    RETURN v;
END $$;

------------------------------------------------------------------------------------------
-- Every open queue hears about a complaint that appears or changes in a way it shows, and
-- fetches that one row again. The payload names the complaint and where it was and is.
CREATE FUNCTION complaint_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('careline_queue', json_build_object(
        'id', NEW.id, 'team', NEW.team, 'owner', NEW.owner_staff_id,
        'old_team', CASE WHEN TG_OP = 'UPDATE' THEN OLD.team END,
        'old_owner', CASE WHEN TG_OP = 'UPDATE' THEN OLD.owner_staff_id END)::text);
    RETURN NULL;
END $$;
CREATE TRIGGER complaint_queue_insert AFTER INSERT ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_queue_notify();
CREATE TRIGGER complaint_queue_update AFTER UPDATE ON complaint
    FOR EACH ROW
    WHEN ((OLD.status, OLD.owner_staff_id, OLD.team, OLD.severity, OLD.category_id, OLD.channel,
           OLD.critical_event_id, OLD.merged_into, OLD.acknowledged_at, OLD.first_response_at,
           OLD.ack_due_at, OLD.response_due_at, OLD.resolution_due_at, OLD.paused_since)
          IS DISTINCT FROM
          (NEW.status, NEW.owner_staff_id, NEW.team, NEW.severity, NEW.category_id, NEW.channel,
           NEW.critical_event_id, NEW.merged_into, NEW.acknowledged_at, NEW.first_response_at,
           NEW.ack_due_at, NEW.response_due_at, NEW.resolution_due_at, NEW.paused_since))
    EXECUTE FUNCTION complaint_queue_notify();

-- A team's open complaints without reading the closed ones.
CREATE INDEX complaint_open_team_idx ON complaint (team) WHERE status NOT IN ('resolved', 'closed');
