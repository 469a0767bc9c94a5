-- Rules that belong to the data: versions, balances, the working calendar and SLA due times,
-- complaint life cycle, authority limits, notifications to terminals, and the append-only audit log.

------------------------------------------------------------------------------------------
-- Optimistic locking: every UPDATE bumps version, whatever the client sent. Clients update
-- with "... WHERE id = $1 AND version = $2 RETURNING version"; zero rows = someone else won.
CREATE FUNCTION bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;

CREATE FUNCTION bump_version_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;

-- The customer row also holds the balance cache; refreshing it must not make an agent's
-- open edit look stale, so only changes to other columns bump the version. (Generated
-- columns are left out: they are not computed yet in a BEFORE trigger.)
CREATE FUNCTION customer_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - '{balance,arrears,version,updated_at,phone_nsn,customer_type}'::text[])
       IS DISTINCT FROM (to_jsonb(OLD) - '{balance,arrears,version,updated_at,phone_nsn,customer_type}'::text[]) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER customer_touch BEFORE UPDATE ON customer FOR EACH ROW EXECUTE FUNCTION customer_touch();

------------------------------------------------------------------------------------------
-- Balance cache: balance = bills (not cancelled) - payments; arrears = the part of it that
-- is past due (bills not yet due are owed but not in arrears). Runs as owner because the
-- roles that insert bills or payments need not update customers.
CREATE FUNCTION refresh_customer_balance(p_customer bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH b AS (
        SELECT coalesce(sum(amount), 0) AS billed,
               coalesce(sum(amount) FILTER (WHERE due_on >= current_date), 0) AS not_due
          FROM bill WHERE customer_id = p_customer AND status <> 'cancelled'
    ), p AS (
        SELECT coalesce(sum(amount), 0) AS paid FROM payment WHERE customer_id = p_customer
    )
    UPDATE customer c
       SET balance = b.billed - p.paid,
           arrears = greatest(0, b.billed - p.paid - b.not_due)
      FROM b, p
     WHERE c.id = p_customer
$$;

CREATE FUNCTION balance_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN   -- amount, status or due date may have changed
        PERFORM refresh_customer_balance(OLD.customer_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.customer_id <> OLD.customer_id) THEN
        PERFORM refresh_customer_balance(NEW.customer_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER bill_balance AFTER INSERT OR UPDATE OR DELETE ON bill
    FOR EACH ROW EXECUTE FUNCTION balance_trigger();
CREATE TRIGGER payment_balance AFTER INSERT OR UPDATE OR DELETE ON payment
    FOR EACH ROW EXECUTE FUNCTION balance_trigger();

------------------------------------------------------------------------------------------
-- Working calendar. Times are counted in the utility's own time zone (app_setting 'timezone').
CREATE FUNCTION careline_timezone() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT value FROM app_setting WHERE key = 'timezone'), 'Europe/London')
$$;

-- Opening hours of one day in a region, NULL when it is not a working day.
CREATE FUNCTION working_window(p_day date, p_region text, OUT opens time, OUT closes time)
LANGUAGE sql STABLE AS $$
    SELECT w.opens, w.closes
      FROM working_hours w
     WHERE w.isodow = extract(isodow FROM p_day)
       AND (w.region = p_region OR w.region IS NULL)
       AND NOT EXISTS (SELECT 1 FROM holiday h
                        WHERE h.holiday_on = p_day AND (h.region = p_region OR h.region IS NULL))
     ORDER BY w.region NULLS LAST
     LIMIT 1
$$;

-- p_from plus p_hours of working time.
CREATE FUNCTION working_add_hours(p_from timestamptz, p_hours numeric, p_region text DEFAULT NULL)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz        text := careline_timezone();
    local_ts  timestamp := p_from AT TIME ZONE tz;
    day       date := (p_from AT TIME ZONE tz)::date;
    remaining interval := p_hours * interval '1 hour';
    win       record;
    win_start timestamp;
    win_end   timestamp;
BEGIN
    IF p_hours IS NULL THEN RETURN NULL; END IF;
    IF p_hours <= 0 THEN RETURN p_from; END IF;
    FOR i IN 1..3700 LOOP          -- ten years: a calendar with no working days must not hang
        SELECT * INTO win FROM working_window(day, p_region);
        IF win.opens IS NOT NULL THEN
            win_start := greatest(local_ts, day + win.opens);
            win_end := day + win.closes;
            IF win_start < win_end THEN
                IF win_end - win_start >= remaining THEN
                    RETURN (win_start + remaining) AT TIME ZONE tz;
                END IF;
                remaining := remaining - (win_end - win_start);
            END IF;
        END IF;
        day := day + 1;
    END LOOP;
    RAISE EXCEPTION 'working calendar has no working time after %', p_from;
END $$;

-- Close of business on the p_days-th working day after the day of p_from.
CREATE FUNCTION working_add_days(p_from timestamptz, p_days integer, p_region text DEFAULT NULL)
RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
DECLARE
    tz    text := careline_timezone();
    day   date := (p_from AT TIME ZONE tz)::date;
    left_ integer := p_days;
    win   record;
BEGIN
    IF p_days IS NULL THEN RETURN NULL; END IF;
    IF p_days <= 0 THEN RETURN p_from; END IF;
    FOR i IN 1..3700 LOOP
        day := day + 1;
        SELECT * INTO win FROM working_window(day, p_region);
        IF win.opens IS NOT NULL THEN
            left_ := left_ - 1;
            IF left_ = 0 THEN
                RETURN (day + win.closes) AT TIME ZONE tz;
            END IF;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'working calendar has no working days after %', p_from;
END $$;

------------------------------------------------------------------------------------------
-- Standards that apply to a complaint: on its category or an ancestor (or on every category),
-- in its region (or all), for its customer type (or all), in force on the given day.
-- distance: 0 = on the category itself, 1 = its parent, ...; 1000 = a standard for all categories.
CREATE FUNCTION applicable_standards(p_category integer, p_region text, p_customer_type text, p_on date)
RETURNS TABLE (standard_id integer, distance integer)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up(id, parent_id, distance) AS (
        SELECT id, parent_id, 0 FROM complaint_category WHERE id = p_category
        UNION ALL
        SELECT c.id, c.parent_id, up.distance + 1
          FROM complaint_category c JOIN up ON c.id = up.parent_id
         WHERE up.distance < 50
    )
    SELECT s.id, coalesce(up.distance, 1000)
      FROM response_standard s
      LEFT JOIN up ON up.id = s.category_id
     WHERE (s.category_id IS NULL OR up.id IS NOT NULL)
       AND (s.region IS NULL OR s.region = p_region)
       AND (s.customer_type IS NULL OR s.customer_type = p_customer_type)
       AND s.effective_from <= p_on AND (s.effective_to IS NULL OR s.effective_to > p_on)
$$;

-- Due times for a complaint opened at p_opened: for each deadline, the most specific standard
-- that sets it wins (nearest category, then a region-specific one, then a type-specific one).
CREATE FUNCTION complaint_due_times(p_category integer, p_region text, p_customer_type text,
                                    p_opened timestamptz,
                                    OUT ack_due_at timestamptz, OUT response_due_at timestamptz,
                                    OUT resolution_due_at timestamptz)
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT r.*, a.distance
          FROM applicable_standards(p_category, p_region, p_customer_type,
                                    (p_opened AT TIME ZONE careline_timezone())::date) a
          JOIN response_standard r ON r.id = a.standard_id
    )
    SELECT working_add_hours(p_opened,
               (SELECT ack_hours FROM s WHERE ack_hours IS NOT NULL
                 ORDER BY distance, region IS NULL, customer_type IS NULL, ack_hours LIMIT 1), p_region),
           working_add_days(p_opened,
               (SELECT first_response_days FROM s WHERE first_response_days IS NOT NULL
                 ORDER BY distance, region IS NULL, customer_type IS NULL, first_response_days LIMIT 1), p_region),
           working_add_days(p_opened,
               (SELECT resolution_days FROM s WHERE resolution_days IS NOT NULL
                 ORDER BY distance, region IS NULL, customer_type IS NULL, resolution_days LIMIT 1), p_region)
$$;

-- Region of a customer, for standards: that of the given premise, else of their current premise.
CREATE FUNCTION customer_region(p_customer bigint, p_premise bigint DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT z.region
      FROM premise p JOIN zone z ON z.id = p.zone_id
     WHERE p.id = coalesce(p_premise,
               (SELECT cp.premise_id FROM customer_premise cp
                 WHERE cp.customer_id = p_customer AND cp.end_date IS NULL
                 ORDER BY cp.start_date, cp.premise_id LIMIT 1))
$$;

------------------------------------------------------------------------------------------
-- Category tree: keep is_leaf right and refuse cycles.
CREATE FUNCTION complaint_category_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND EXISTS (
        WITH RECURSIVE up(id, parent_id) AS (
            SELECT id, parent_id FROM complaint_category WHERE id = NEW.parent_id
            UNION
            SELECT c.id, c.parent_id FROM complaint_category c JOIN up ON c.id = up.parent_id)
        SELECT 1 FROM up WHERE id = NEW.id) THEN
        RAISE EXCEPTION 'category % cannot be its own ancestor', NEW.code;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_category_check BEFORE INSERT OR UPDATE OF parent_id ON complaint_category
    FOR EACH ROW EXECUTE FUNCTION complaint_category_check();

CREATE FUNCTION complaint_category_leaves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN RETURN NULL; END IF;   -- our own UPDATE below
    UPDATE complaint_category c
       SET is_leaf = NOT EXISTS (SELECT 1 FROM complaint_category k WHERE k.parent_id = c.id)
     WHERE is_leaf IS DISTINCT FROM NOT EXISTS (SELECT 1 FROM complaint_category k WHERE k.parent_id = c.id);
    RETURN NULL;
END $$;
CREATE TRIGGER complaint_category_leaves AFTER INSERT OR UPDATE OR DELETE ON complaint_category
    FOR EACH STATEMENT EXECUTE FUNCTION complaint_category_leaves();

------------------------------------------------------------------------------------------
-- Complaint life cycle, enforced here so every terminal (and any other client) obeys it:
--   new -> acknowledged -> investigating -> resolved -> closed
--   acknowledged|investigating <-> waiting_customer   (SLA clock paused while waiting)
--   resolved|closed -> investigating                   (reopen)
--   any open status -> closed when merged into another complaint
CREATE FUNCTION complaint_transition_allowed(p_from text, p_to text, p_merged boolean DEFAULT false)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_from = p_to
        OR (p_from, p_to) IN (('new','acknowledged'), ('acknowledged','investigating'),
                              ('investigating','resolved'), ('resolved','closed'),
                              ('acknowledged','waiting_customer'), ('investigating','waiting_customer'),
                              ('waiting_customer','acknowledged'), ('waiting_customer','investigating'),
                              ('resolved','investigating'), ('closed','investigating'))
        OR (p_merged AND p_to = 'closed' AND p_from <> 'closed')
$$;

CREATE FUNCTION complaint_before() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pause interval;
    due   record;
BEGIN
    IF TG_OP = 'INSERT' OR NEW.category_id IS DISTINCT FROM OLD.category_id THEN
        IF NOT (SELECT is_leaf FROM complaint_category WHERE id = NEW.category_id) THEN
            RAISE EXCEPTION 'complaints are filed against a leaf category, not %',
                (SELECT code FROM complaint_category WHERE id = NEW.category_id)
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;

    IF TG_OP = 'INSERT' THEN
        NEW.created_by := coalesce(NEW.created_by, current_staff_id());
        IF NEW.status = 'waiting_customer' THEN
            NEW.paused_since := coalesce(NEW.paused_since, now());
        END IF;
        -- Clients may send due times computed by the C rules; otherwise the standards decide.
        IF NEW.ack_due_at IS NULL AND NEW.response_due_at IS NULL AND NEW.resolution_due_at IS NULL THEN
            SELECT * INTO due FROM complaint_due_times(NEW.category_id,
                       customer_region(NEW.customer_id, NEW.premise_id),
                       (SELECT customer_type FROM customer WHERE id = NEW.customer_id), NEW.opened_at);
            NEW.ack_due_at := due.ack_due_at;
            NEW.response_due_at := due.response_due_at;
            NEW.resolution_due_at := due.resolution_due_at;
        END IF;
        RETURN NEW;
    END IF;

    NEW.version := OLD.version + 1;
    NEW.updated_at := now();

    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT complaint_transition_allowed(OLD.status, NEW.status, NEW.merged_into IS NOT NULL) THEN
            RAISE EXCEPTION 'complaint % cannot go from % to %', OLD.reference, OLD.status, NEW.status
                USING ERRCODE = 'check_violation', HINT = 'allowed: new>acknowledged>investigating>resolved>closed; '
                    'acknowledged/investigating<>waiting_customer; resolved/closed>investigating';
        END IF;
        IF OLD.status = 'waiting_customer' THEN
            -- Resume the clock: deadlines not yet met move on by the time spent waiting.
            -- Elapsed seconds, not "days + hours": adding an interval with
            -- days moves by calendar days in the session's zone, an hour
            -- off when the move crosses a clock change.
            pause := extract(epoch FROM now() - OLD.paused_since) * interval '1 second';
            NEW.paused_seconds := OLD.paused_seconds + extract(epoch FROM pause)::integer;
            NEW.paused_since := NULL;
            IF NEW.acknowledged_at IS NULL THEN NEW.ack_due_at := NEW.ack_due_at + pause; END IF;
            IF NEW.first_response_at IS NULL THEN NEW.response_due_at := NEW.response_due_at + pause; END IF;
            NEW.resolution_due_at := NEW.resolution_due_at + pause;
        END IF;
        CASE NEW.status
            WHEN 'acknowledged' THEN
                NEW.acknowledged_at := coalesce(NEW.acknowledged_at, now());
            WHEN 'waiting_customer' THEN
                NEW.paused_since := now();
            WHEN 'resolved' THEN
                NEW.resolved_at := now();
                NEW.first_response_at := coalesce(NEW.first_response_at, now());
            WHEN 'closed' THEN
                NEW.closed_at := now();
                NEW.resolved_at := coalesce(NEW.resolved_at, now());
                NEW.acknowledged_at := coalesce(NEW.acknowledged_at, now());
            WHEN 'investigating' THEN
                NEW.acknowledged_at := coalesce(NEW.acknowledged_at, now());
                IF OLD.status IN ('resolved','closed') THEN     -- reopened
                    NEW.resolved_at := NULL;
                    NEW.closed_at := NULL;
                END IF;
            ELSE NULL;
        END CASE;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_before BEFORE INSERT OR UPDATE ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_before();

-- History rows for what the database can see for itself (status, owner, merge, category),
-- and a push to the new owner's terminal. Clients add 'note', 'contact', ... rows themselves.
CREATE FUNCTION complaint_after() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    who integer := current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO complaint_history (complaint_id, at, staff_id, kind, to_status, note)
        VALUES (NEW.id, NEW.opened_at, coalesce(who, NEW.created_by), 'created', NEW.status, NULL);
        IF NEW.owner_staff_id IS NOT NULL THEN
            PERFORM pg_notify('careline_assignment',
                json_build_object('complaint_id', NEW.id, 'owner_staff_id', NEW.owner_staff_id)::text);
        END IF;
        RETURN NULL;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, from_status, to_status, note)
        VALUES (NEW.id, who, CASE WHEN NEW.merged_into IS NOT NULL AND OLD.merged_into IS NULL
                                  THEN 'merge' ELSE 'status' END,
                OLD.status, NEW.status, NEW.status_reason);
    ELSIF NEW.merged_into IS DISTINCT FROM OLD.merged_into THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)
        VALUES (NEW.id, who, 'merge', NULL, jsonb_build_object('merged_into', NEW.merged_into));
    END IF;
    IF NEW.owner_staff_id IS DISTINCT FROM OLD.owner_staff_id OR NEW.team IS DISTINCT FROM OLD.team THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, details)
        VALUES (NEW.id, who, 'assignment', jsonb_build_object(
            'from_staff_id', OLD.owner_staff_id, 'to_staff_id', NEW.owner_staff_id,
            'from_team', OLD.team, 'to_team', NEW.team));
        PERFORM pg_notify('careline_assignment',
            json_build_object('complaint_id', NEW.id, 'owner_staff_id', NEW.owner_staff_id)::text);
    END IF;
    IF NEW.category_id IS DISTINCT FROM OLD.category_id THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, details)
        VALUES (NEW.id, who, 'category', jsonb_build_object('from', OLD.category_id, 'to', NEW.category_id));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER complaint_after AFTER INSERT OR UPDATE ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_after();

-- SLA state of a complaint, one definition for the queue, the dashboard and the tests.
--   done                 resolved or closed
--   paused               waiting on the customer (clock stopped)
--   breached_resolution  resolution_due_at has passed
--   breached_ack         not acknowledged and ack_due_at has passed
--   breached_response    no first response and response_due_at has passed
--   due_soon             the next unmet deadline falls before p_soon (default: end of the
--                        next working day)
--   on_time              otherwise
CREATE FUNCTION complaint_sla_state(c complaint, p_soon timestamptz DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN c.status IN ('resolved','closed') THEN 'done'
        WHEN c.status = 'waiting_customer' THEN 'paused'
        WHEN c.resolution_due_at < now() THEN 'breached_resolution'
        WHEN c.acknowledged_at IS NULL AND c.ack_due_at < now() THEN 'breached_ack'
        WHEN c.first_response_at IS NULL AND c.response_due_at < now() THEN 'breached_response'
        WHEN least(CASE WHEN c.acknowledged_at IS NULL THEN c.ack_due_at END,
                   CASE WHEN c.first_response_at IS NULL THEN c.response_due_at END,
                   c.resolution_due_at)
             < coalesce(p_soon, working_add_days(now(), 1)) THEN 'due_soon'
        ELSE 'on_time' END
$$;

-- Open complaints with their SLA state; the "soon" limit is computed once per query.
CREATE VIEW complaint_sla AS
SELECT c.id, c.reference, c.customer_id, c.status, c.owner_staff_id, c.team, c.severity,
       c.opened_at, c.ack_due_at, c.response_due_at, c.resolution_due_at,
       complaint_sla_state(c, soon.at) AS sla_state,
       least(CASE WHEN c.acknowledged_at IS NULL THEN c.ack_due_at END,
             CASE WHEN c.first_response_at IS NULL THEN c.response_due_at END,
             c.resolution_due_at) AS next_due_at
  FROM complaint c
 CROSS JOIN (SELECT working_add_days(now(), 1) AS at) soon
 WHERE c.status NOT IN ('resolved','closed');

------------------------------------------------------------------------------------------
-- Goodwill credits: within the requester's authority (per credit and per day) a credit is
-- applied at once; above it, it waits as 'pending' for someone whose authority covers it.
CREATE FUNCTION goodwill_credit_before() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lim       authority_limit;
    today_sum numeric;
    approver  integer := current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.requested_by := coalesce(NEW.requested_by, current_staff_id());
        NEW.decided_by := NULL;
        NEW.decided_at := NULL;
        SELECT l.* INTO lim FROM authority_limit l JOIN staff s ON s.group_role = l.group_role
         WHERE s.id = NEW.requested_by;
        -- Serialise one requester's credits so two at once cannot both fit the daily limit.
        PERFORM pg_advisory_xact_lock(hashtext('careline.goodwill'), coalesce(NEW.requested_by, 0));
        SELECT coalesce(sum(amount), 0) INTO today_sum FROM goodwill_credit
         WHERE requested_by = NEW.requested_by AND status IN ('applied','approved')
           AND requested_at >= date_trunc('day', now());
        IF lim.group_role IS NOT NULL AND NEW.amount <= lim.per_credit
           AND today_sum + NEW.amount <= lim.per_day THEN
            NEW.status := 'applied';
        ELSE
            NEW.status := 'pending';
        END IF;
        RETURN NEW;
    END IF;

    NEW.version := OLD.version + 1;
    IF OLD.status <> 'pending' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.amount <> OLD.amount) THEN
        RAISE EXCEPTION 'goodwill credit already %', OLD.status USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status NOT IN ('approved','rejected') THEN
            RAISE EXCEPTION 'a pending credit can only be approved or rejected' USING ERRCODE = 'check_violation';
        END IF;
        IF approver IS NULL THEN
            IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
                RAISE EXCEPTION 'only staff may decide on credits' USING ERRCODE = 'insufficient_privilege';
            END IF;
        ELSE
            IF approver = OLD.requested_by THEN
                RAISE EXCEPTION 'nobody approves their own credit' USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF NEW.status = 'approved' AND NEW.amount > coalesce((SELECT l.per_credit FROM authority_limit l
                    JOIN staff s ON s.group_role = l.group_role WHERE s.id = approver), 0) THEN
                RAISE EXCEPTION 'credit of % is above your authority', NEW.amount
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        END IF;
        NEW.decided_by := approver;
        NEW.decided_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER goodwill_credit_before BEFORE INSERT OR UPDATE ON goodwill_credit
    FOR EACH ROW EXECUTE FUNCTION goodwill_credit_before();

-- Supervisors' approval queues and the requesting agent hear about credits at once.
CREATE FUNCTION goodwill_credit_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'pending' OR (TG_OP = 'UPDATE' AND NEW.status IS DISTINCT FROM OLD.status) THEN
        PERFORM pg_notify('careline_approval',
            json_build_object('credit_id', NEW.id, 'status', NEW.status,
                              'requested_by', NEW.requested_by)::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goodwill_credit_notify AFTER INSERT OR UPDATE ON goodwill_credit
    FOR EACH ROW EXECUTE FUNCTION goodwill_credit_notify();

------------------------------------------------------------------------------------------
-- Critical events: every open terminal LISTENs on careline_event (payload: the event id).
CREATE FUNCTION critical_event_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'critical_event' THEN
        PERFORM pg_notify('careline_event', coalesce(NEW.id, OLD.id)::text);
    ELSE
        PERFORM pg_notify('careline_event', coalesce(NEW.event_id, OLD.event_id)::text);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER critical_event_version BEFORE UPDATE ON critical_event
    FOR EACH ROW EXECUTE FUNCTION bump_version_updated();
CREATE TRIGGER critical_event_notify AFTER INSERT OR UPDATE OR DELETE ON critical_event
    FOR EACH ROW EXECUTE FUNCTION critical_event_notify();
CREATE TRIGGER critical_event_zone_notify AFTER INSERT OR UPDATE OR DELETE ON critical_event_zone
    FOR EACH ROW EXECUTE FUNCTION critical_event_notify();

CREATE TRIGGER follow_up_version BEFORE UPDATE ON follow_up
    FOR EACH ROW EXECUTE FUNCTION bump_version();

------------------------------------------------------------------------------------------
-- Audit log: append only, even for its owner (the REVOKE covers ordinary roles, the
-- triggers cover the owner and superusers).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Every change to the tables people edit lands in the audit log, whichever client made it.
-- Runs as owner: agents may insert into audit_log but the trigger must work for every role.
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n       jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    o       jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    r       jsonb := coalesce(n, o);
    changed jsonb;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(k, jsonb_build_array(o -> k, n -> k)) INTO changed
          FROM jsonb_object_keys(n) k
         WHERE n -> k IS DISTINCT FROM o -> k
           AND k NOT IN ('version','updated_at','balance','arrears');
        IF changed IS NULL THEN RETURN NULL; END IF;     -- only caches moved
    END IF;
    -- session_user: inside this SECURITY DEFINER function current_user is the owner.
    INSERT INTO audit_log (actor, action, customer_id, entity, entity_id, details)
    VALUES (session_user, lower(TG_OP), CASE WHEN TG_TABLE_NAME = 'customer' THEN (r ->> 'id')::bigint
                               ELSE (r ->> 'customer_id')::bigint END,
            TG_TABLE_NAME, coalesce(r ->> 'id', r ->> 'code', r ->> 'key', r ->> 'event_id', r ->> 'group_role',
                                   r ->> 'holiday_on'),
            CASE TG_OP WHEN 'UPDATE' THEN jsonb_build_object('changed', changed)
                       WHEN 'INSERT' THEN jsonb_build_object('new', n)
                       ELSE jsonb_build_object('old', o) END);
    RETURN NULL;
END $$;

-- Customers are bulk loaded, so only their changes are logged, not their creation.
CREATE TRIGGER audit_change AFTER UPDATE OR DELETE ON customer
    FOR EACH ROW EXECUTE FUNCTION audit_change();
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['staff','complaint','goodwill_credit','critical_event','critical_event_zone',
                             'follow_up','payment_arrangement','authority_limit','response_standard',
                             'complaint_category','root_cause','recovery_script','holiday','working_hours',
                             'wrap_up_code','programme_enrolment','compensation_payment','app_setting']
    LOOP
        EXECUTE format('CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON %I
                        FOR EACH ROW EXECUTE FUNCTION audit_change()', t);
    END LOOP;
END $$;

