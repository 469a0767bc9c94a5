-- 011_recovery.sql — service-recovery rules: credits reach the account, compensation is owed once, no closing over an open follow-up.

-- Goodwill credits (applied or approved) and compensation once paid are
-- money back to the customer: the balance cache counts them.
CREATE OR REPLACE FUNCTION refresh_customer_balance(p_customer bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH b AS (
        SELECT coalesce(sum(amount), 0) AS billed,
               coalesce(sum(amount) FILTER (WHERE due_on >= current_date), 0) AS not_due
          FROM bill WHERE customer_id = p_customer AND status <> 'cancelled'
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
           arrears = greatest(0, b.billed - p.paid - g.credited - k.compensated - b.not_due)
      FROM b, p, g, k
     WHERE c.id = p_customer
$$;

CREATE TRIGGER goodwill_credit_balance AFTER INSERT OR UPDATE OR DELETE ON goodwill_credit
    FOR EACH ROW EXECUTE FUNCTION balance_trigger();

-- A credit is recorded against its complaint too.
CREATE FUNCTION goodwill_credit_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.complaint_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status) THEN
        INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)
        VALUES (NEW.complaint_id, current_staff_id(), 'credit',
                format('Goodwill credit of %s %s', to_char(NEW.amount, 'FM999990.00'), NEW.status),
                jsonb_build_object('credit_id', NEW.id, 'amount', NEW.amount, 'status', NEW.status));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER goodwill_credit_history AFTER INSERT OR UPDATE ON goodwill_credit
    FOR EACH ROW EXECUTE FUNCTION goodwill_credit_history();

-- Compensation owed when a complaint breaches a standard that carries a
-- guaranteed payment: created once per complaint, standard and deadline
-- (the unique key makes two checks at once harmless), with the rule that
-- caused it. Each guaranteed standard is measured against its OWN deadline
-- (from opening, in working time, plus the time spent waiting on the
-- customer), not the company's stricter target that the complaint shows.
-- Returns the number of payments created.
CREATE FUNCTION complaint_compensation_check(p_complaint uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    k       complaint;
    region  text;
    ctype   text;
    made    integer := 0;
    n       integer;
    s       response_standard;
    due     timestamptz;
    met     timestamptz;
    deadline text;
BEGIN
    SELECT * INTO k FROM complaint WHERE id = p_complaint;
    IF NOT FOUND OR k.merged_into IS NOT NULL THEN
        RETURN 0;
    END IF;
    region := customer_region(k.customer_id, k.premise_id);
    SELECT customer_type INTO ctype FROM customer WHERE id = k.customer_id;
    FOREACH deadline IN ARRAY ARRAY['acknowledgement', 'first_response', 'resolution'] LOOP
        -- The most specific guaranteed standard that sets this deadline: one payment per miss.
        SELECT r.* INTO s
          FROM applicable_standards(k.category_id, region, ctype,
                                    (k.opened_at AT TIME ZONE careline_timezone())::date) a
          JOIN response_standard r ON r.id = a.standard_id
         WHERE r.compensation_amount IS NOT NULL
           AND CASE deadline WHEN 'acknowledgement' THEN r.ack_hours IS NOT NULL
                         WHEN 'first_response' THEN r.first_response_days IS NOT NULL
                         ELSE r.resolution_days IS NOT NULL END
         ORDER BY a.distance, r.region IS NULL, r.customer_type IS NULL
         LIMIT 1;
        CONTINUE WHEN NOT FOUND;
        due := CASE deadline
            WHEN 'acknowledgement' THEN working_add_hours(k.opened_at, s.ack_hours, region)
            WHEN 'first_response' THEN working_add_days(k.opened_at, s.first_response_days, region)
            ELSE working_add_days(k.opened_at, s.resolution_days, region) END;
        CONTINUE WHEN due IS NULL;
        due := due + k.paused_seconds * interval '1 second';
        met := CASE deadline WHEN 'acknowledgement' THEN k.acknowledged_at
                         WHEN 'first_response' THEN k.first_response_at ELSE k.resolved_at END;
        -- While waiting on the customer the clock is stopped at the pause.
        CONTINUE WHEN due >= coalesce(met, k.paused_since, now());
        INSERT INTO compensation_payment (complaint_id, response_standard_id, kind, amount)
        VALUES (k.id, s.id, deadline, s.compensation_amount)
        ON CONFLICT (complaint_id, response_standard_id, kind) DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n > 0 THEN
            INSERT INTO complaint_history (complaint_id, staff_id, kind, note, details)
            VALUES (k.id, current_staff_id(), 'compensation',
                    format('Guaranteed payment owed: %s standard missed (%s)', deadline, s.description),
                    jsonb_build_object('deadline', deadline, 'standard_id', s.id, 'amount', s.compensation_amount));
        END IF;
        made := made + n;
    END LOOP;
    RETURN made;
END $$;
GRANT EXECUTE ON FUNCTION complaint_compensation_check(uuid) TO careline_agent, careline_supervisor, careline_field;

-- Every open or recently breached complaint at once (a nightly job, or
-- `careline report overdue`): returns how many payments were created.
CREATE FUNCTION compensation_sweep() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(sum(complaint_compensation_check(id)), 0)::integer FROM complaint
     WHERE merged_into IS NULL
       AND (ack_due_at < now() OR response_due_at < now() OR resolution_due_at < now())
$$;
GRANT EXECUTE ON FUNCTION compensation_sweep() TO careline_supervisor, careline_admin;

-- Closing with a follow-up still open loses the confirmation that the fix
-- held: refused, unless a supervisor overrides, which is recorded.
ALTER TABLE complaint ADD COLUMN follow_up_override boolean NOT NULL DEFAULT false;
GRANT UPDATE (follow_up_override) ON complaint TO careline_agent;

CREATE FUNCTION complaint_follow_up_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'closed' AND OLD.status <> 'closed' AND NEW.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM follow_up f WHERE f.complaint_id = NEW.id AND f.status = 'open') THEN
        IF NOT NEW.follow_up_override THEN
            RAISE EXCEPTION 'complaint % has an open follow-up: complete it first, or a supervisor overrides',
                OLD.reference USING ERRCODE = 'check_violation';
        END IF;
        IF NOT (pg_has_role('careline_supervisor', 'member') OR pg_has_role('careline_admin', 'member')) THEN
            RAISE EXCEPTION 'only a supervisor may close a complaint with an open follow-up'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        INSERT INTO complaint_history (complaint_id, staff_id, kind, note)
        VALUES (NEW.id, current_staff_id(), 'follow_up', 'Closed with an open follow-up: supervisor override');
    END IF;
    NEW.follow_up_override := false;   -- an override counts for this one change only
    RETURN NEW;
END $$;
CREATE TRIGGER complaint_follow_up_guard BEFORE UPDATE ON complaint
    FOR EACH ROW EXECUTE FUNCTION complaint_follow_up_guard();
