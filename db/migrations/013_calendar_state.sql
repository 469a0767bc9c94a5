-- 013_calendar_state.sql — state that follows the calendar: bill status and arrears read as of today, and `careline maintain`, which brings the stored copies up to date.

-- A bill falls due and a customer's debt turns into arrears because a day
-- passes, not because anyone writes: a copy stored when the seed or a
-- payment wrote it goes stale at midnight. So whatever a user reads is
-- worked out for today (bill_status_on, customer_arrears), and the stored
-- copies are kept only to make that cheap; `careline maintain` (nightly)
-- brings them up to date so that reads rarely need to work anything out.

-- Today in the utility's own calendar, whatever the session's time zone
-- (a cron job's session is not set up like a terminal's).
CREATE FUNCTION careline_today() RETURNS date LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE careline_timezone())::date
$$;

-- A bill's status on a day: 'issued' and 'overdue' are the two sides of its
-- due date; 'paid', 'part_paid' and 'cancelled' are what payments and
-- people made of it and stay as written.
CREATE FUNCTION bill_status_on(p_status text, p_due date, p_day date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_status IN ('issued', 'overdue')
                THEN CASE WHEN p_due < p_day THEN 'overdue' ELSE 'issued' END
                ELSE p_status END
$$;

-- The cached arrears hold up to and including arrears_until: the earliest
-- due date among the bills not yet due when they were worked out (the next
-- day on which more of the balance falls due), 'infinity' when none was
-- waiting. Any bill, payment or credit works them out again. '-infinity':
-- never worked out with this rule (rows from before this migration, or
-- written by a bulk load): read as stale until `careline maintain` runs.
ALTER TABLE customer ADD COLUMN arrears_until date NOT NULL DEFAULT '-infinity';
COMMENT ON COLUMN customer.arrears_until IS
    'the cached arrears are right up to and including this day; read them through customer_arrears()';

-- A customer's arrears today: the cache while it holds, else the part of
-- the balance already due. One customer's bills are a few dozen rows on
-- bill_customer_idx, so working it out is cheap, and needed only for
-- customers whose cache a due date has passed since it was written.
-- PL/pgSQL, so today is worked out once per call and the bills' query is
-- planned once per session: about 25 us a customer, against 130 us as a
-- plain SQL function.
CREATE FUNCTION customer_arrears_exact(p_customer bigint, p_balance numeric, p_arrears numeric, p_until date)
RETURNS numeric LANGUAGE plpgsql STABLE AS $$
DECLARE
    today   date := careline_today();
    not_due numeric;
BEGIN
    IF today <= p_until THEN
        RETURN p_arrears;
    END IF;
    SELECT coalesce(sum(amount), 0) INTO not_due FROM bill
     WHERE customer_id = p_customer AND status <> 'cancelled' AND due_on >= today;
    RETURN greatest(0, p_balance - not_due);
END $$;
-- What readers call, e.g. customer_arrears(c) for a row c of customer. A
-- search lists many customers: so that most of them cost nothing, this
-- stays simple enough for the planner to inline (no subquery), and a cache
-- holding at least two days past the session's date holds for sure (the
-- dates of two time zones, UTC-12 to UTC+14, differ by two days at most);
-- only the others are worked out exactly, in the utility's calendar.
CREATE FUNCTION customer_arrears(c customer) RETURNS numeric LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN c.arrears_until > current_date + 1 THEN c.arrears
                ELSE customer_arrears_exact(c.id, c.balance, c.arrears, c.arrears_until) END
$$;
GRANT EXECUTE ON FUNCTION careline_today(), bill_status_on(text, date, date), customer_arrears(customer),
    customer_arrears_exact(bigint, numeric, numeric, date)
    TO careline_agent, careline_supervisor, careline_field, careline_admin;

-- The balance cache (as in 011), now also saying how long its arrears hold,
-- and counting "today" in the utility's calendar.
CREATE OR REPLACE FUNCTION refresh_customer_balance(p_customer bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH t AS (
        SELECT careline_today() AS today
    ), b AS (
        SELECT coalesce(sum(amount), 0) AS billed,
               coalesce(sum(amount) FILTER (WHERE due_on >= t.today), 0) AS not_due,
               min(due_on) FILTER (WHERE due_on >= t.today) AS next_due
          FROM bill, t WHERE customer_id = p_customer AND status <> 'cancelled'
    ), p AS (
        SELECT coalesce(sum(amount), 0) AS paid FROM payment WHERE customer_id = p_customer
    ), g AS (
        SELECT coalesce(sum(amount), 0) AS credited FROM goodwill_credit
         WHERE customer_id = p_customer AND status IN ('applied', 'approved')
    ), k AS (
        SELECT coalesce(sum(cp.amount), 0) AS compensated FROM compensation_payment cp
          JOIN complaint c ON c.id = cp.complaint_id
         WHERE c.customer_id = p_customer AND cp.status = 'paid'
    )
    UPDATE customer c
       SET balance = b.billed - p.paid - g.credited - k.compensated,
           arrears = greatest(0, b.billed - p.paid - g.credited - k.compensated - b.not_due),
           arrears_until = coalesce(b.next_due, 'infinity')
      FROM b, p, g, k
     WHERE c.id = p_customer
$$;

-- A bill turning overdue moves no money: only changes that do (amount, due
-- date, owner, cancelling) work the balance out again, so the nightly job
-- does not pay for a balance refresh per bill.
DROP TRIGGER bill_balance ON bill;
CREATE TRIGGER bill_balance AFTER INSERT OR DELETE ON bill
    FOR EACH ROW EXECUTE FUNCTION balance_trigger();
CREATE TRIGGER bill_balance_update AFTER UPDATE ON bill
    FOR EACH ROW
    WHEN ((OLD.customer_id, OLD.amount, OLD.due_on, OLD.status = 'cancelled')
          IS DISTINCT FROM (NEW.customer_id, NEW.amount, NEW.due_on, NEW.status = 'cancelled'))
    EXECUTE FUNCTION balance_trigger();

-- The nightly job finds the bills that may change status without reading
-- every bill ever issued.
CREATE INDEX bill_open_due_idx ON bill (due_on) WHERE status IN ('issued', 'overdue');

-- arrears_until is cache like balance and arrears: it must not make an
-- agent's open edit of the customer look stale, nor fill the audit log.
CREATE OR REPLACE FUNCTION customer_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - '{balance,arrears,arrears_until,version,updated_at,phone_nsn,customer_type}'::text[])
       IS DISTINCT FROM (to_jsonb(OLD) - '{balance,arrears,arrears_until,version,updated_at,phone_nsn,customer_type}'::text[]) THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    ELSE
        NEW.version := OLD.version;
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger
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
           AND k NOT IN ('version','updated_at','balance','arrears','arrears_until');
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

-- `careline maintain`: bring the stored copies up to today. Idempotent
-- (only rows whose stored state differs from today's are written, so a
-- second run finds nothing), and two runs at once take turns on an
-- advisory lock; each statement here sees what the other run committed.
-- Returns one row per kind of change with how many rows it changed.
CREATE FUNCTION careline_maintain() RETURNS TABLE (what text, changed bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    today date;
    n     bigint;
    moved bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('careline.maintain'));
    today := careline_today();

    UPDATE bill SET status = 'overdue' WHERE status = 'issued' AND due_on < today;
    GET DIAGNOSTICS n = ROW_COUNT;
    what := 'bills now overdue'; changed := n; RETURN NEXT;
    -- Only when someone moved a due date later (or the clock went back).
    UPDATE bill SET status = 'issued' WHERE status = 'overdue' AND due_on >= today;
    GET DIAGNOSTICS n = ROW_COUNT;
    what := 'bills no longer overdue'; changed := n; RETURN NEXT;

    -- Arrears whose cache a due date has passed: worked out again, set-based.
    WITH due AS (
        SELECT c.id, c.arrears AS before,
               coalesce(sum(b.amount) FILTER (WHERE b.due_on >= today), 0) AS not_due,
               min(b.due_on) FILTER (WHERE b.due_on >= today) AS next_due
          FROM customer c LEFT JOIN bill b ON b.customer_id = c.id AND b.status <> 'cancelled'
         WHERE c.arrears_until < today
         GROUP BY c.id
    ), upd AS (
        -- Rechecked on the row as it is now: a payment refreshed meanwhile wins.
        UPDATE customer c
           SET arrears = greatest(0, c.balance - d.not_due),
               arrears_until = coalesce(d.next_due, 'infinity')
          FROM due d
         WHERE c.id = d.id AND c.arrears_until < today
        RETURNING c.arrears IS DISTINCT FROM d.before AS moved
    )
    SELECT count(*), count(*) FILTER (WHERE upd.moved) INTO n, moved FROM upd;
    what := 'customers whose arrears changed'; changed := moved; RETURN NEXT;
    what := 'customers whose arrears were checked'; changed := n; RETURN NEXT;
END $$;
REVOKE ALL ON FUNCTION careline_maintain() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION careline_maintain() TO careline_admin;
