-- 029_event_payments.sql — guaranteed payments for a late restore reach the customer's account: credited as the event closes, and counted by the balance cache like complaint compensation once paid.

-- The balance cache (013's), now also crediting the event payments made.
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
    ), e AS (
        SELECT coalesce(sum(amount), 0) AS compensated FROM event_compensation
         WHERE customer_id = p_customer AND status = 'paid'
    )
    UPDATE customer c
       SET balance = b.billed - p.paid - g.credited - k.compensated - e.compensated,
           arrears = greatest(0, b.billed - p.paid - g.credited - k.compensated - e.compensated - b.not_due),
           arrears_until = coalesce(b.next_due, 'infinity')
      FROM b, p, g, k, e
     WHERE c.id = p_customer
$$;

CREATE TRIGGER event_compensation_balance AFTER INSERT OR UPDATE OR DELETE ON event_compensation
    FOR EACH ROW EXECUTE FUNCTION balance_trigger();

-- Settling (018's rule, unchanged in what is owed): the payment is credited to
-- the customer's account at once — the scheme wants it made without a claim,
-- and a credit on the account is how the utility makes it.
CREATE OR REPLACE FUNCTION critical_event_settle(p_event uuid) RETURNS integer
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
                                    further_periods, amount, status, paid_at)
    SELECT e.id, a.customer_id, a.premise_id, s.id, c.customer_type, round(hours, 2),
           coalesce(floor((hours - s.restore_hours) / s.period_hours), 0)::integer,
           s.compensation_amount
             + coalesce(floor((hours - s.restore_hours) / s.period_hours) * s.compensation_per_period, 0),
           'paid', now()
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

-- Payments settled before this migration were recorded but never credited.
UPDATE event_compensation SET status = 'paid', paid_at = created_at WHERE status = 'owed';

-- The supervisor's guaranteed-payment figures (020) count the event payments
-- too: one row per event and customer, under the event's title, with no
-- complaint (the list behind the figure opens the customer) and no team (a
-- team's figures are its complaints').
CREATE OR REPLACE FUNCTION report_payment_rows(p_from timestamptz, p_to timestamptz, p_team text)
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
    UNION ALL
    SELECT md5(ec.event_id::text || ':' || ec.customer_id)::uuid, NULL::uuid, e.title, ec.customer_id,
           coalesce(s.gss_code, ''), 'event', ec.amount, x.state, x.at
      FROM (SELECT ec.event_id, ec.customer_id, 'paid' AS state, ec.paid_at AS at FROM event_compensation ec
             WHERE ec.status = 'paid' AND ec.paid_at >= p_from AND ec.paid_at < p_to
            UNION ALL
            SELECT ec.event_id, ec.customer_id, 'owed', ec.created_at FROM event_compensation ec
             WHERE ec.status = 'owed' AND ec.created_at < p_to
            UNION ALL
            SELECT ec.event_id, ec.customer_id, 'owed', ec.created_at FROM event_compensation ec
             WHERE ec.status = 'paid' AND ec.paid_at >= p_to AND ec.created_at < p_to) x
      JOIN event_compensation ec ON ec.event_id = x.event_id AND ec.customer_id = x.customer_id
      JOIN critical_event e ON e.id = ec.event_id
      JOIN response_standard s ON s.id = ec.response_standard_id
     WHERE p_team IS NULL
$$;
CREATE INDEX event_compensation_paid_idx ON event_compensation (paid_at) WHERE status = 'paid';
