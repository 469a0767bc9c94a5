-- 014_lifecycle_followups.sql — one path for complaint changes (same status refused, bad merge references named), merges by supervisors only, nothing added to a closed complaint, and closing settles its follow-ups.

-- A follow-up that will never be made says why, and who decided it.
ALTER TABLE follow_up ADD COLUMN cancel_reason text;
ALTER TABLE follow_up ADD COLUMN cancelled_by integer REFERENCES staff;
GRANT UPDATE (cancel_reason, cancelled_by) ON follow_up TO careline_agent;

-- The change every terminal makes to a complaint: optimistic locking on
-- version (NULL back: someone else changed it first, nothing written), and
-- refusals in words instead of a silent no-op. Runs with the caller's
-- rights, so grants, the transition rule and the guards all apply.
CREATE FUNCTION complaint_change(p_id uuid, p_version integer, p_status text, p_reason text, p_cause integer,
                                 p_resolution text, p_merge_into text, p_override boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    k      complaint;
    target uuid;
    v      integer;
BEGIN
    SELECT * INTO k FROM complaint WHERE id = p_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this complaint no longer exists' USING ERRCODE = 'no_data_found';
    END IF;
    IF k.version <> p_version THEN
        RETURN NULL;
    END IF;
    IF p_merge_into IS NOT NULL THEN
        IF k.status = 'closed' THEN
            RAISE EXCEPTION 'complaint % is closed: reopen it before merging it', k.reference
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT id INTO target FROM complaint WHERE reference = btrim(p_merge_into) AND id <> p_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no other complaint has the reference %', p_merge_into USING ERRCODE = 'no_data_found';
        END IF;
    ELSIF p_status IS NOT NULL AND p_status = k.status THEN
        RAISE EXCEPTION 'complaint % is already %', k.reference, replace(k.status, '_', ' ')
            USING ERRCODE = 'check_violation';
    END IF;
    UPDATE complaint SET
        status = coalesce(p_status, CASE WHEN target IS NOT NULL THEN 'closed' ELSE status END),
        status_reason = CASE WHEN p_status IS NOT NULL OR target IS NOT NULL THEN nullif(p_reason, '')
                             ELSE status_reason END,
        root_cause_id = coalesce(nullif(p_cause, 0), root_cause_id),
        resolution_summary = coalesce(nullif(p_resolution, ''), resolution_summary),
        merged_into = coalesce(target, merged_into),
        follow_up_override = coalesce(p_override, false)
     WHERE id = p_id AND version = p_version
    RETURNING version INTO v;
    RETURN v;
END $$;

-- Merging closes one complaint into another: a supervisor's decision,
-- whichever client sends it.
CREATE FUNCTION complaint_merge_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.merged_into IS DISTINCT FROM OLD.merged_into
       AND NOT (pg_has_role('careline_supervisor', 'member') OR pg_has_role('careline_admin', 'member')) THEN
        RAISE EXCEPTION 'only a supervisor may merge complaints' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_merge_guard BEFORE UPDATE OF merged_into ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_merge_guard();

-- Nothing new hangs off a closed complaint: a credit, a follow-up or a
-- script run there would never be seen through. Reopen it first.
CREATE FUNCTION complaint_open_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k record;
BEGIN
    IF NEW.complaint_id IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT reference, status INTO k FROM complaint WHERE id = NEW.complaint_id;
    IF k.status = 'closed' THEN
        RAISE EXCEPTION 'complaint % is closed: reopen it first', k.reference USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_open_guard BEFORE INSERT ON goodwill_credit
    FOR EACH ROW EXECUTE FUNCTION complaint_open_guard();
CREATE TRIGGER complaint_open_guard BEFORE INSERT ON follow_up
    FOR EACH ROW EXECUTE FUNCTION complaint_open_guard();
CREATE TRIGGER complaint_open_guard BEFORE INSERT ON complaint_script_run
    FOR EACH ROW EXECUTE FUNCTION complaint_open_guard();

-- Closing settles every follow-up still open, here so every client gets it:
-- cancelled with the reason (merged into another complaint, or closed by a
-- supervisor's override, naming who). A follow-up already recorded stays
-- done. Runs as the person closing (so current_staff_id() names them): only
-- a supervisor can close or merge over an open follow-up (011, above), and
-- supervisors may update follow-ups; an agent's close never finds one open.
CREATE FUNCTION complaint_settle_follow_ups() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who    integer := current_staff_id();
    name   text := coalesce((SELECT display_name FROM staff WHERE id = current_staff_id()), current_user);
    reason text;
    n      integer;
BEGIN
    IF NEW.status <> 'closed' OR OLD.status = 'closed' THEN
        RETURN NULL;
    END IF;
    reason := CASE WHEN NEW.merged_into IS NOT NULL
                   THEN 'Complaint merged into ' || (SELECT reference FROM complaint WHERE id = NEW.merged_into)
                   ELSE 'Complaint closed over the open follow-up: supervisor override by ' || name END;
    UPDATE follow_up SET status = 'cancelled', cancel_reason = reason, cancelled_by = who, done_at = now()
     WHERE complaint_id = NEW.id AND status = 'open';
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n > 0 THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)
        -- The reason goes in details: the note is counted apart from the override's own row.
        VALUES (NEW.id, who, 'follow_up', format('%s follow-up(s) cancelled as the complaint closed', n),
                jsonb_build_object('cancelled', n, 'reason', reason));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER complaint_settle_follow_ups AFTER UPDATE OF status ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_settle_follow_ups();
