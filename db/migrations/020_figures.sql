-- 020_figures.sql — the supervisor's figures, each defined once (the dashboard, the reports and the lists behind each figure read the same rows), improvement actions recorded against root causes, live-update notices, and indexes for reading a period.

-- A period is a range of local days [from, to) in the utility's own time
-- zone; its instants are worked out here, from the same setting every
-- deadline uses, whatever the session's zone.
CREATE FUNCTION careline_day_start(p_day date) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT p_day::timestamp AT TIME ZONE careline_timezone()
$$;

-- Each complaint category with the top of its tree (the CCW level the
-- figures are grouped by: water supply, billing and charges, ...).
CREATE VIEW complaint_category_top AS
WITH RECURSIVE t(id, top_id, depth) AS (
    SELECT id, id, 0 FROM complaint_category WHERE parent_id IS NULL
    UNION ALL
    SELECT c.id, t.top_id, t.depth + 1 FROM complaint_category c JOIN t ON c.parent_id = t.id WHERE t.depth < 50
)
SELECT id, top_id FROM t;

-- A contact on the same subject within this many days counts as a repeat
-- (005 seeds the row; a missing or odd value means 7).
CREATE FUNCTION report_repeat_days() RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value::integer FROM app_setting
                      WHERE key = 'repeat_contact_days' AND value ~ '^[0-9]{1,3}$'), 7)
$$;

-- Connections for the CCW measure (complaints per 10,000 connections): the
-- premises the utility supplies, occupied or void.
CREATE FUNCTION report_connections() RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM premise
$$;

-- Survey answers in the groups the figures count: NPS promoters (9-10),
-- passives (7-8) and detractors (0-6); CSAT satisfied (4-5) or not (1-3).
-- NULL for no answer.
CREATE FUNCTION report_nps_group(p_nps smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_nps >= 9 THEN 'promoter' WHEN p_nps >= 7 THEN 'passive' WHEN p_nps >= 0 THEN 'detractor' END
$$;
CREATE FUNCTION report_csat_group(p_csat smallint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_csat >= 4 THEN 'csat_4_5' WHEN p_csat >= 1 THEN 'csat_1_3' END
$$;

------------------------------------------------------------------------------------------
-- The rows behind the figures. Every figure is a count or a sum over one of
-- these, and the list a supervisor opens from a figure is the same rows
-- filtered by the figure's key, so a figure and its list always agree.
-- Plain SQL functions: the planner inlines them and pushes the period down
-- to the indexes. p_team NULL: every team.

-- Contacts started in the period; a team is the team of the staff member
-- who handled the contact.
CREATE FUNCTION report_contact_rows(p_from timestamptz, p_to timestamptz, p_team text)
RETURNS TABLE (interaction_id uuid, customer_id bigint, channel text, wrap_up_code text, staff_id integer,
               started_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT i.id, i.customer_id, i.channel, i.wrap_up_code, i.staff_id, i.started_at
      FROM interaction i
     WHERE i.started_at >= p_from AND i.started_at < p_to
       -- Contacts people made: the customer's, and staff's calls out (the
       -- call list); not the event notifications sent by `careline notify`
       -- (outbound, no staff), which are messages, not contacts.
       AND (i.direction = 'inbound' OR i.staff_id IS NOT NULL)
       AND (p_team IS NULL OR i.staff_id IN (SELECT s.id FROM staff s WHERE s.team = p_team))
$$;

-- Satisfaction answers given in the period (declined ones too).
CREATE FUNCTION report_survey_rows(p_from timestamptz, p_to timestamptz, p_team text)
RETURNS TABLE (survey_id uuid, interaction_id uuid, customer_id bigint, staff_id integer, csat smallint,
               nps smallint, declined boolean, answered_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT v.id, i.id, i.customer_id, i.staff_id, v.csat, v.nps, v.declined, v.at
      FROM satisfaction_survey v
      JOIN interaction i ON i.id = v.interaction_id
     WHERE v.at >= p_from AND v.at < p_to
       AND (p_team IS NULL OR i.staff_id IN (SELECT s.id FROM staff s WHERE s.team = p_team))
$$;

-- Complaints opened, resolved or closed in the period (a complaint merged
-- into another is not a complaint of its own). resolved_in: resolved (or
-- closed) in the period and not reopened since. fcr, for those: 'repeat'
-- when the customer contacted the utility again (inbound, any channel) within
-- report_repeat_days() of the resolution; 'pending' while that window is
-- still open without one; else 'first_contact'.
CREATE FUNCTION report_complaint_rows(p_from timestamptz, p_to timestamptz, p_team text)
RETURNS TABLE (complaint_id uuid, reference text, customer_id bigint, category_id integer, top_category_id integer,
               root_cause_id integer, team text, owner_staff_id integer, opened_at timestamptz,
               resolved_at timestamptz, opened_in boolean, resolved_in boolean, closed_in boolean, fcr text)
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.reference, c.customer_id, c.category_id, t.top_id, c.root_cause_id, c.team, c.owner_staff_id,
           c.opened_at, c.resolved_at,
           c.opened_at >= p_from AND c.opened_at < p_to,
           coalesce(x.resolved_in, false),
           c.status = 'closed' AND c.closed_at >= p_from AND c.closed_at < p_to,
           CASE WHEN NOT coalesce(x.resolved_in, false) THEN NULL
                WHEN EXISTS (SELECT 1 FROM interaction r
                              WHERE r.customer_id = c.customer_id AND r.direction = 'inbound'
                                AND r.started_at > c.resolved_at
                                AND r.started_at <= c.resolved_at + report_repeat_days() * interval '1 day'
                                AND r.id IS DISTINCT FROM c.interaction_id) THEN 'repeat'
                WHEN c.resolved_at + report_repeat_days() * interval '1 day' > now() THEN 'pending'
                ELSE 'first_contact' END
      FROM complaint c
      JOIN complaint_category_top t ON t.id = c.category_id
     CROSS JOIN LATERAL (SELECT c.status IN ('resolved', 'closed') AND c.resolved_at >= p_from
                                AND c.resolved_at < p_to AS resolved_in) x
     WHERE c.merged_into IS NULL AND (p_team IS NULL OR c.team = p_team)
       AND ((c.opened_at >= p_from AND c.opened_at < p_to) OR (c.resolved_at >= p_from AND c.resolved_at < p_to)
            OR (c.closed_at >= p_from AND c.closed_at < p_to))
$$;

-- Each deadline (acknowledge, first_response, resolution) that fell due in
-- the period, with its outcome now: 'on_time' (met at or before it), 'late'
-- (met after it, or not met and past), 'paused' (the complaint waits on the
-- customer and the deadline had not passed when the wait began: it will
-- move), 'pending' (not due yet). Compliance is on_time / (on_time + late).
CREATE FUNCTION report_deadline_outcome(p_due timestamptz, p_met timestamptz, p_paused_since timestamptz)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_met IS NOT NULL THEN CASE WHEN p_met <= p_due THEN 'on_time' ELSE 'late' END
                WHEN p_paused_since IS NOT NULL AND p_due >= p_paused_since THEN 'paused'
                WHEN p_due < now() THEN 'late'
                ELSE 'pending' END
$$;

-- One branch per deadline, each on its own index: the period's bounds are
-- worked out once for an index range, never again for every row.
CREATE FUNCTION report_deadline_rows(p_from timestamptz, p_to timestamptz, p_team text)
RETURNS TABLE (complaint_id uuid, reference text, customer_id bigint, top_category_id integer, team text,
               owner_staff_id integer, kind text, due_at timestamptz, met_at timestamptz, outcome text)
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.reference, c.customer_id, t.top_id, c.team, c.owner_staff_id, 'acknowledge', c.ack_due_at,
           c.acknowledged_at, report_deadline_outcome(c.ack_due_at, c.acknowledged_at, c.paused_since)
      FROM complaint c JOIN complaint_category_top t ON t.id = c.category_id
     WHERE c.ack_due_at >= p_from AND c.ack_due_at < p_to
       AND c.merged_into IS NULL AND (p_team IS NULL OR c.team = p_team)
    UNION ALL
    SELECT c.id, c.reference, c.customer_id, t.top_id, c.team, c.owner_staff_id, 'first_response', c.response_due_at,
           c.first_response_at, report_deadline_outcome(c.response_due_at, c.first_response_at, c.paused_since)
      FROM complaint c JOIN complaint_category_top t ON t.id = c.category_id
     WHERE c.response_due_at >= p_from AND c.response_due_at < p_to
       AND c.merged_into IS NULL AND (p_team IS NULL OR c.team = p_team)
    UNION ALL
    SELECT c.id, c.reference, c.customer_id, t.top_id, c.team, c.owner_staff_id, 'resolution', c.resolution_due_at,
           c.resolved_at, report_deadline_outcome(c.resolution_due_at, c.resolved_at, c.paused_since)
      FROM complaint c JOIN complaint_category_top t ON t.id = c.category_id
     WHERE c.resolution_due_at >= p_from AND c.resolution_due_at < p_to
       AND c.merged_into IS NULL AND (p_team IS NULL OR c.team = p_team)
$$;

-- Guaranteed payments: 'paid' in the period, or 'owed' at its end (recorded
-- by then and not paid by then; for a period that has not ended, what is
-- owed now). Cancelled payments are neither. Three disjoint branches, each
-- on an index.
CREATE FUNCTION report_payment_rows(p_from timestamptz, p_to timestamptz, p_team text)
RETURNS TABLE (payment_id uuid, complaint_id uuid, reference text, customer_id bigint, gss_code text, kind text,
               amount numeric, state text, at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT p.id, c.id, c.reference, c.customer_id, coalesce(s.gss_code, ''), p.kind, p.amount, x.state, x.at
      FROM (SELECT p.id, 'paid' AS state, p.paid_at AS at FROM compensation_payment p
             WHERE p.status = 'paid' AND p.paid_at >= p_from AND p.paid_at < p_to
            UNION ALL
            SELECT p.id, 'owed', p.created_at FROM compensation_payment p
             WHERE p.status = 'owed' AND p.created_at < p_to
            UNION ALL
            SELECT p.id, 'owed', p.created_at FROM compensation_payment p
             WHERE p.status = 'paid' AND p.paid_at >= p_to AND p.created_at < p_to) x
      JOIN compensation_payment p ON p.id = x.id
      JOIN complaint c ON c.id = p.complaint_id
      JOIN response_standard s ON s.id = p.response_standard_id
     WHERE p_team IS NULL OR c.team = p_team
$$;

-- Follow-ups still open after their day, now (whatever the period); a
-- follow-up's team is its own, else its owner's.
CREATE FUNCTION report_overdue_follow_up_rows(p_team text)
RETURNS TABLE (follow_up_id uuid, complaint_id uuid, customer_id bigint, due_on date, days_overdue integer,
               team text, owner_staff_id integer, what_to_confirm text)
LANGUAGE sql STABLE AS $$
    SELECT f.id, f.complaint_id, f.customer_id, f.due_on, careline_today() - f.due_on, coalesce(f.team, s.team),
           f.owner_staff_id, f.what_to_confirm
      FROM follow_up f
      LEFT JOIN staff s ON s.id = f.owner_staff_id
     WHERE f.status = 'open' AND f.due_on < careline_today()
       AND (p_team IS NULL OR coalesce(f.team, s.team) = p_team)
$$;

GRANT SELECT ON complaint_category_top TO careline_agent, careline_supervisor, careline_field, careline_admin;

------------------------------------------------------------------------------------------
-- Published feedback: what was changed because of a root cause, when, and
-- who recorded it. The id is made by the terminal (a replayed insert never
-- duplicates); edits carry the version. The text is published as written,
-- so it must not name a customer: account numbers, phone numbers and e-mail
-- addresses are refused here, whichever client writes.
CREATE TABLE improvement_action (
    id            uuid PRIMARY KEY,
    root_cause_id integer NOT NULL REFERENCES root_cause,
    what_changed  text NOT NULL CHECK (btrim(what_changed) <> '' AND length(what_changed) <= 500),
    changed_on    date NOT NULL,
    recorded_by   integer REFERENCES staff,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    withdrawn     boolean NOT NULL DEFAULT false,
    version       integer NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX improvement_action_cause_idx ON improvement_action (root_cause_id, changed_on);
CREATE INDEX improvement_action_changed_idx ON improvement_action (changed_on);

-- Why a text may not be published, or NULL when it may.
CREATE FUNCTION published_text_problem(p_text text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN p_text ~ '[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+' THEN 'an e-mail address'
        WHEN p_text ~ '(^|[^0-9])[0-9]{10}([^0-9]|$)' THEN 'an account number'
        WHEN p_text ~ '(\+[ ]?44|(^|[^0-9])0)[ ()-]*[1-9]([ ()-]*[0-9]){8,9}([^0-9]|$)' THEN 'a phone number'
        END
$$;

CREATE FUNCTION improvement_action_before() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    problem text := published_text_problem(NEW.what_changed);
BEGIN
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION 'what was changed is published as written: it must not contain %', problem
            USING ERRCODE = 'check_violation', HINT = 'describe the change, not the customer';
    END IF;
    IF NEW.changed_on > careline_today() + 366 OR NEW.changed_on < date '2000-01-01' THEN
        RAISE EXCEPTION 'the date of the change (%) is not plausible', NEW.changed_on USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW.recorded_by := coalesce(NEW.recorded_by, current_staff_id());
        NEW.version := 1;
    ELSE
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
        NEW.recorded_by := OLD.recorded_by;
        NEW.recorded_at := OLD.recorded_at;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER improvement_action_before BEFORE INSERT OR UPDATE ON improvement_action
    FOR EACH ROW EXECUTE FUNCTION improvement_action_before();
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON improvement_action
    FOR EACH ROW EXECUTE FUNCTION audit_change();

GRANT SELECT ON improvement_action TO careline_agent, careline_field;
GRANT INSERT, UPDATE (what_changed, changed_on, withdrawn, version) ON improvement_action TO careline_supervisor;

------------------------------------------------------------------------------------------
-- Live figures: every open dashboard hears that something it counts changed
-- (payload: the table). Per statement, not per row: a bulk load is one
-- notice, and the same notice twice in a transaction is delivered once.
CREATE FUNCTION figures_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('careline_figures', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER figures_notify AFTER INSERT OR DELETE OR UPDATE OF channel, started_at, wrap_up_code, staff_id,
    customer_id ON interaction FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER figures_notify AFTER INSERT OR DELETE OR UPDATE OF status, category_id, root_cause_id, team,
    owner_staff_id, merged_into, acknowledged_at, first_response_at, resolved_at, closed_at, ack_due_at,
    response_due_at, resolution_due_at, paused_since ON complaint
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER figures_notify AFTER INSERT OR UPDATE OR DELETE ON satisfaction_survey
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER figures_notify AFTER INSERT OR UPDATE OR DELETE ON compensation_payment
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER figures_notify AFTER INSERT OR DELETE OR UPDATE OF status, due_on, team, owner_staff_id ON follow_up
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();
CREATE TRIGGER figures_notify AFTER INSERT OR UPDATE OR DELETE ON improvement_action
    FOR EACH STATEMENT EXECUTE FUNCTION figures_notify();

------------------------------------------------------------------------------------------
-- A period's contacts, resolutions, closures, deadlines and payments without
-- reading every row ever written (opened_at, satisfaction_survey.at and
-- follow_up's due day have theirs already).
-- Contacts by channel and wrap-up code straight from the index (rows of one
-- period are scattered over the whole table).
CREATE INDEX interaction_started_idx ON interaction (started_at) INCLUDE (channel, wrap_up_code, staff_id);
CREATE INDEX complaint_resolved_idx ON complaint (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX complaint_closed_idx ON complaint (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX complaint_ack_due_idx ON complaint (ack_due_at);
CREATE INDEX complaint_response_due_idx ON complaint (response_due_at);
CREATE INDEX complaint_resolution_due_idx ON complaint (resolution_due_at);
CREATE INDEX compensation_payment_paid_idx ON compensation_payment (paid_at) WHERE status = 'paid';
CREATE INDEX compensation_payment_owed_idx ON compensation_payment (created_at) WHERE status = 'owed';
