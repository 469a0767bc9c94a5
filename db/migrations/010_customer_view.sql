-- 010_customer_view.sql — what the unified customer view needs beyond the core schema: usage of similar premises, lookups by customer.

-- "Similar premises" = same supply zone and customer segment. Averaging a
-- zone's meter reads on every open would cost tens of milliseconds at a
-- million customers, so the averages are kept per zone, segment and month
-- and refreshed after bulk loads (careline seed) or nightly:
--   REFRESH MATERIALIZED VIEW CONCURRENTLY usage_benchmark;
CREATE MATERIALIZED VIEW usage_benchmark AS
WITH home AS (
    SELECT p.id AS premise_id, p.zone_id, c.segment
      FROM premise p
      JOIN customer_premise cp ON cp.premise_id = p.id AND cp.end_date IS NULL AND cp.role = 'billing'
      JOIN customer c ON c.id = cp.customer_id
), size AS (
    SELECT zone_id, segment, count(*) AS premises FROM home GROUP BY zone_id, segment
)
-- Total use of the group's premises over their number: one pass over the
-- reads (a per-premise average first took three times as long at 1M).
SELECT h.zone_id, h.segment, date_trunc('month', r.read_on)::date AS month,
       round(sum(r.consumption_m3) / max(s.premises), 3) AS avg_m3, max(s.premises) AS premises
  FROM meter_read r
  JOIN meter m ON m.id = r.meter_id
  JOIN home h ON h.premise_id = m.premise_id
  JOIN size s ON s.zone_id = h.zone_id AND s.segment = h.segment
 WHERE r.consumption_m3 IS NOT NULL
 GROUP BY h.zone_id, h.segment, date_trunc('month', r.read_on);
CREATE UNIQUE INDEX usage_benchmark_key ON usage_benchmark (zone_id, segment, month);
GRANT SELECT ON usage_benchmark TO careline_agent, careline_supervisor, careline_field, careline_admin;

-- The view lists a customer's open follow-ups.
CREATE INDEX IF NOT EXISTS follow_up_customer_idx ON follow_up (customer_id, due_on);
-- The contacts panel counts a customer's interactions (10,000 for some key accounts).
CREATE INDEX IF NOT EXISTS programme_enrolment_customer_idx ON programme_enrolment (customer_id, enrolled_on);
