-- Demo-data generator: a deterministic, realistic water utility for N customers (careline seed --customers N).
--
-- Sent whole, in one transaction, after SELECT set_config('careline.seed_customers', N, false).
-- Set-based only: every value derives from row numbers through a cheap integer hash, so the same
-- N on the same day always gives the same rows. History is anchored on the day the seed runs
-- (in the utility's zone): the last 24 whole months of reads and bills, bills due this month,
-- payments up to today, so a demo made any day looks current. The open complaints, follow-ups
-- and the active critical event are placed relative to now(), so that every SLA state is on
-- show. Dates written below as literals (events in the history, script versions, programme
-- starts) are as they would be for a seed run on 2026-11-15; pg_temp.d() and pg_temp.ts()
-- move them by the same number of days as the anchor.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM customer) THEN
        RAISE EXCEPTION 'database already has customers; seed only an empty database';
    END IF;
END $$;

-- A bulk job: no statement timeout (terminals run with one). Session-wide on purpose, so the
-- steps `careline seed` runs after this transaction (refreshing derived data, ANALYZE) are
-- not cut short either; the command's session ends right after.
SET statement_timeout = 0;
SET LOCAL work_mem = '512MB';
SET LOCAL maintenance_work_mem = '1GB';
SET LOCAL synchronous_commit = off;
SET LOCAL max_parallel_maintenance_workers = 2;
-- Timestamps below are built in the utility's zone (the region file set it), whatever the
-- session's zone is.
SELECT set_config('timezone', careline_timezone(), true);

------------------------------------------------------------------------------------------
-- Helpers. h(x, salt): a 24-bit integer hash (multiply, xor-shift, multiply, keep the high bits)
-- written as one inlinable expression, so the planner folds it into each query instead of
-- calling a function per row. x must stay below 3e9 to keep the products inside bigint.
CREATE FUNCTION pg_temp.h(x bigint, s integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
SELECT (((((x * 2654435761 + s::bigint * 1013904223 + 12345) % 4294967296)
          # (((x * 2654435761 + s::bigint * 1013904223 + 12345) % 4294967296) >> 15)) * 73244475) % 4294967296) >> 8
$$;
-- u(x, salt): the same hash as a fraction in [0, 1).
CREATE FUNCTION pg_temp.u(x bigint, s integer) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
SELECT pg_temp.h(x, s)::double precision / 16777216.0
$$;
-- pick(array, x, salt): one element of an array, chosen by the hash.
CREATE FUNCTION pg_temp.pick(a text[], x bigint, s integer) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT a[1 + pg_temp.h(x, s) % cardinality(a)]
$$;

-- The one literal date below is not a day the data is pinned to: it is the origin the few
-- hand-written dates in this file (pg_temp.d / pg_temp.ts) are written against, and every one
-- of them moves by `shift`, so all history lands relative to the day the seed runs (make check
-- seeds under faked clocks on four far dates and checks the anchoring).
CREATE TEMP TABLE seed_param ON COMMIT DROP AS
SELECT s.n, s.anchor,                                      -- "today" of the generated history
       (date_trunc('month', s.anchor) - interval '24 months')::date AS first_month,  -- first of 24 months
       s.anchor - date '2026-11-15' AS shift                 -- days from the literals' reference day
  FROM (SELECT coalesce(nullif(current_setting('careline.seed_customers', true), ''), '2000')::integer AS n,
               current_date AS anchor) s;
ANALYZE seed_param;
-- d('2025-08-12'), ts('2025-08-12 07:30'): a literal date or local time of the reference seed,
-- moved to the same distance from today. Constant arguments make these one-time subplans.
CREATE FUNCTION pg_temp.d(t text) RETURNS date LANGUAGE sql STABLE AS $$
SELECT t::date + (SELECT shift FROM seed_param)
$$;
CREATE FUNCTION pg_temp.ts(t text) RETURNS timestamptz LANGUAGE sql STABLE AS $$
SELECT (t::timestamp + (SELECT shift FROM seed_param) * interval '1 day')::timestamptz
$$;
DO $$
BEGIN
    IF (SELECT n FROM seed_param) NOT BETWEEN 1 AND 50000000 THEN
        RAISE EXCEPTION 'careline.seed_customers must be between 1 and 50000000';
    END IF;
    -- JIT compiling these long expressions costs about a second per statement: worth it
    -- only when there are millions of rows to evaluate.
    PERFORM set_config('jit', CASE WHEN (SELECT n FROM seed_param) >= 200000 THEN 'on' ELSE 'off' END, true);
END $$;

-- Bulk loading is much faster without secondary indexes, foreign keys checked row by row and
-- triggers. Remember their definitions, drop them, and put every one back at the end: nothing
-- here has to change when a migration adds an index to one of these tables.
CREATE TEMP TABLE seed_ddl (ord serial, kind text, tbl text, name text, def text) ON COMMIT DROP;
DO $$
DECLARE
    big text[] := ARRAY['customer','premise','customer_premise','meter','meter_read','bill','payment',
                        'payment_arrangement','interaction','satisfaction_survey'];
    r record;
    t text;
BEGIN
    -- Foreign keys from and to these tables (the tables pointing at them are still empty).
    INSERT INTO seed_ddl (kind, tbl, name, def)
    SELECT 'fk', c.relname, k.conname, pg_get_constraintdef(k.oid)
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid
     WHERE k.contype = 'f' AND c.relnamespace = 'public'::regnamespace
       AND (c.relname = ANY (big) OR t.relname = ANY (big));
    -- Primary keys and unique constraints are rebuilt too: a bulk build is faster than growing
    -- an index row by row (and random UUIDs make that slower still).
    INSERT INTO seed_ddl (kind, tbl, name, def)
    SELECT 'key', c.relname, k.conname, pg_get_constraintdef(k.oid)
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE k.contype IN ('p','u') AND c.relnamespace = 'public'::regnamespace AND c.relname = ANY (big);
    INSERT INTO seed_ddl (kind, tbl, name, def)
    SELECT 'index', c.relname, i.relname, pg_get_indexdef(x.indexrelid)
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
     WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY (big)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                        WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p','u','x'));
    FOR r IN SELECT * FROM seed_ddl ORDER BY ord LOOP
        IF r.kind IN ('fk','key') THEN
            EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', r.tbl, r.name);
        ELSE
            EXECUTE format('DROP INDEX %I', r.name);
        END IF;
    END LOOP;
    -- Balance, audit, notification and life-cycle triggers: the seed writes final states itself.
    FOREACH t IN ARRAY big || ARRAY['complaint','complaint_history','goodwill_credit','follow_up',
            'critical_event','critical_event_zone','critical_event_revision','programme_enrolment',
            'compensation_payment','staff','zone','recovery_script','kb_article'] LOOP
        EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', t);
    END LOOP;
END $$;

------------------------------------------------------------------------------------------
-- The region's word lists and zones (seed_words, seed_zone) come from db/seed/REGION.sql, run
-- just before this file.

INSERT INTO zone (code, name, region)
SELECT code, name, region FROM seed_zone ORDER BY n;
-- The demo's field staff (team 'Field') form one office that covers every zone, so they
-- see every customer; an installation splits offices by zone (office_zone, admin guide).
INSERT INTO office_zone (office, zone_id) SELECT 'Field', id FROM zone ORDER BY id;

-- One entry per unit of weight: picking a random element picks a zone in proportion to its size.
INSERT INTO seed_words
SELECT 'zone_pick', array_agg(z.n::text ORDER BY z.n, g) FROM seed_zone z, generate_series(1, z.weight) g;

-- Each list becomes a function returning it as a constant: pg_temp.w_surname() and so on.
-- A constant array folds into the plan; read from a table, a long array would be
-- de-toasted again for every row.
CREATE FUNCTION pg_temp.make_word_functions() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE r record;
BEGIN
    FOR r IN SELECT k, a FROM seed_words LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION pg_temp.%I() RETURNS text[] LANGUAGE sql IMMUTABLE AS %L',
                       'w_' || r.k, 'SELECT ' || quote_literal(r.a) || '::text[]');
    END LOOP;
END $f$;
SELECT pg_temp.make_word_functions();
ANALYZE seed_zone;

ALTER TABLE seed_zone ADD COLUMN zone_id integer;
UPDATE seed_zone s SET zone_id = z.id FROM zone z WHERE z.code = s.code;

------------------------------------------------------------------------------------------
-- Staff: 60 agents, 8 supervisors, 10 field staff, 2 admins, and the demo login.
INSERT INTO staff (login_role, display_name, team, group_role, created_at)
SELECT login, pg_temp.pick(CASE WHEN pg_temp.h(i, 2) % 2 = 0 THEN pg_temp.w_female() ELSE pg_temp.w_male() END, i, 3)
              || ' ' || pg_temp.pick(pg_temp.w_surname(), i, 4),
       team, grp, pg_temp.ts('2023-01-09 09:00') + (i * 11 % 600) * interval '1 day'
  FROM (SELECT i, 'agent' || lpad(i::text, 2, '0') AS login, 'agent' AS grp,
               (ARRAY['Billing','Billing','Operations','Complaints','General'])[1 + i % 5] AS team
          FROM generate_series(1, 60) i
        UNION ALL
        SELECT 100 + i, 'super' || lpad(i::text, 2, '0'), 'supervisor',
               (ARRAY['Billing','Operations','Complaints','General'])[1 + i % 4]
          FROM generate_series(1, 8) i
        UNION ALL
        SELECT 200 + i, 'field' || lpad(i::text, 2, '0'), 'field', 'Field'
          FROM generate_series(1, 10) i
        UNION ALL
        SELECT 300 + i, 'admin' || lpad(i::text, 2, '0'), 'admin', 'Systems'
          FROM generate_series(1, 2) i) s
 ORDER BY i;
INSERT INTO staff (login_role, display_name, team, group_role, created_at)
VALUES ('careline_demo', 'Demo Agent', 'General', 'agent', pg_temp.ts('2026-01-05 09:00'));

CREATE TEMP TABLE seed_staff ON COMMIT DROP AS
SELECT group_role, array_agg(id ORDER BY id) AS ids FROM staff GROUP BY group_role;

------------------------------------------------------------------------------------------
-- Customers, first as a working table of the attributes later steps depend on.
-- Segments in realistic proportions; customers 1-8 take one segment each so that every
-- segment exists even for a tiny N.
CREATE TEMP TABLE seed_cust ON COMMIT DROP AS
SELECT c.id, c.seg, c.seg IN ('residential_single','residential_multi','senior') AS hh, c.zn,
       CASE c.seg
            WHEN 'key_account'    THEN 5 + pg_temp.h(c.id, 5) % 46
            WHEN 'public_sector'  THEN 1 + pg_temp.h(c.id, 5) % 6
            WHEN 'industrial'     THEN 1 + (pg_temp.h(c.id, 5) % 10 < 3)::int * (1 + pg_temp.h(c.id, 6) % 3)
            WHEN 'commercial'     THEN 1 + (pg_temp.h(c.id, 5) % 10 < 2)::int * (1 + pg_temp.h(c.id, 6) % 2)
            WHEN 'small_business' THEN 1 + (pg_temp.h(c.id, 5) % 100 < 3)::int
            ELSE 1 END AS n_prem,
       -- payment behaviour: 0 pays on time, 1 in arrears, 2 on a payment arrangement
       CASE WHEN pg_temp.h(c.id, 20) % 1000 < 80 THEN 1
            WHEN pg_temp.h(c.id, 20) % 1000 < 110 THEN 2 ELSE 0 END AS pay_class,
       (p.anchor - 60 - (pg_temp.h(c.id, 8) % 3600)::int) AS since,
       -- the bill from which a customer in difficulty stopped paying (k counts bills)
       CASE WHEN pg_temp.h(c.id, 20) % 1000 < 80
                 THEN (CASE WHEN c.seg IN ('residential_single','residential_multi','senior') THEN 8 ELSE 24 END)
                      - 2 - (pg_temp.h(c.id, 21) % 4)::int
            WHEN pg_temp.h(c.id, 20) % 1000 < 110
                 THEN (CASE WHEN c.seg IN ('residential_single','residential_multi','senior') THEN 8 ELSE 24 END)
                      - 3 - (pg_temp.h(c.id, 21) % 3)::int
            ELSE 1000 END AS stop_k,
       CASE WHEN c.seg IN ('residential_single','residential_multi','senior')
            THEN (ARRAY['direct_debit','direct_debit','direct_debit','direct_debit','direct_debit','direct_debit',
                        'direct_debit','direct_debit','direct_debit','direct_debit','direct_debit','card','card',
                        'card','card','bank_transfer','bank_transfer','bank_transfer','cash','cheque'])[1 + pg_temp.h(c.id, 22) % 20]
            ELSE (ARRAY['direct_debit','direct_debit','direct_debit','direct_debit','direct_debit','direct_debit',
                        'direct_debit','direct_debit','card','card','bank_transfer','bank_transfer','bank_transfer',
                        'bank_transfer','bank_transfer','bank_transfer','bank_transfer','bank_transfer','bank_transfer',
                        'cheque'])[1 + pg_temp.h(c.id, 22) % 20] END AS method
  FROM seed_param p,
       LATERAL (SELECT g::bigint AS id,
                       CASE WHEN g <= 8 THEN (ARRAY['residential_single','residential_multi','senior',
                                  'small_business','commercial','industrial','key_account','public_sector'])[g]
                            ELSE CASE WHEN pg_temp.h(g, 1) % 10000 < 6200 THEN 'residential_single'
                                      WHEN pg_temp.h(g, 1) % 10000 < 8000 THEN 'residential_multi'
                                      WHEN pg_temp.h(g, 1) % 10000 < 8900 THEN 'senior'
                                      WHEN pg_temp.h(g, 1) % 10000 < 9600 THEN 'small_business'
                                      WHEN pg_temp.h(g, 1) % 10000 < 9850 THEN 'commercial'
                                      WHEN pg_temp.h(g, 1) % 10000 < 9920 THEN 'industrial'
                                      WHEN pg_temp.h(g, 1) % 10000 < 9950 THEN 'key_account'
                                      ELSE 'public_sector' END END AS seg,
                       pg_temp.pick(pg_temp.w_zone_pick(), g, 2)::int AS zn
                  FROM generate_series(1, p.n) g) c;
ALTER TABLE seed_cust ADD PRIMARY KEY (id);
ANALYZE seed_cust;

-- Premises: ids are allotted in customer order (running total of premises per customer).
CREATE TEMP TABLE seed_prem ON COMMIT DROP AS
SELECT o.prem_off + k AS id, o.id AS customer_id, o.seg, o.hh, o.since,
       CASE WHEN k = 1 THEN o.zn
            ELSE pg_temp.pick(pg_temp.w_zone_pick(), o.prem_off + k, 3)::int END AS zn,
       CASE o.seg
            WHEN 'residential_single' THEN (ARRAY['house','house','house','house','house','bungalow','flat','maisonette'])[1 + pg_temp.h(o.prem_off + k, 4) % 8]
            WHEN 'residential_multi'  THEN (ARRAY['flat','flat','flat','maisonette','house'])[1 + pg_temp.h(o.prem_off + k, 4) % 5]
            WHEN 'senior'             THEN (ARRAY['bungalow','bungalow','flat','house','house'])[1 + pg_temp.h(o.prem_off + k, 4) % 5]
            WHEN 'small_business'     THEN (ARRAY['shop','shop','office','restaurant','other'])[1 + pg_temp.h(o.prem_off + k, 4) % 5]
            WHEN 'commercial'         THEN (ARRAY['office','hotel','warehouse','shop','restaurant'])[1 + pg_temp.h(o.prem_off + k, 4) % 5]
            WHEN 'industrial'         THEN (ARRAY['factory','factory','warehouse'])[1 + pg_temp.h(o.prem_off + k, 4) % 3]
            WHEN 'key_account'        THEN (ARRAY['factory','warehouse','office','hotel','shop'])[1 + pg_temp.h(o.prem_off + k, 4) % 5]
            ELSE (ARRAY['school','school','office','hospital','other'])[1 + pg_temp.h(o.prem_off + k, 4) % 5] END AS ptype,
       CASE o.seg
            WHEN 'residential_single' THEN 1 + (pg_temp.h(o.prem_off + k, 5) % 100 >= 28)::int
                                           + (pg_temp.h(o.prem_off + k, 5) % 100 >= 62)::int
                                           + (pg_temp.h(o.prem_off + k, 5) % 100 >= 80)::int
                                           + (pg_temp.h(o.prem_off + k, 5) % 100 >= 94)::int
            WHEN 'residential_multi'  THEN 2 + pg_temp.h(o.prem_off + k, 5) % 6
            WHEN 'senior'             THEN 1 + (pg_temp.h(o.prem_off + k, 5) % 100 >= 55)::int
            ELSE NULL END AS occupants
  FROM (SELECT c.*, (sum(c.n_prem) OVER (ORDER BY c.id) - c.n_prem)::bigint AS prem_off FROM seed_cust c) o,
       generate_series(1, o.n_prem) k;

ANALYZE seed_prem;

INSERT INTO premise (id, uprn, premise_ref, address_line1, address_line2, town, postcode, zone_id,
                     premise_type, occupants, property_class, created_at)
SELECT p.id,
       100020000000 + p.id * 7,
       'P' || lpad(p.id::text, 9, '0'),
       CASE WHEN p.ptype IN ('factory','warehouse') THEN 'Unit ' || (1 + pg_temp.h(p.id, 6) % 40) || ', '
                 || pg_temp.pick(coalesce(z.estates, pg_temp.w_estate()), p.id, 7)
            -- A zone with streets of its own (New York): house numbers as long as its avenues.
            WHEN z.streets IS NOT NULL THEN (1 + pg_temp.h(p.id, 6) % 1500) || ' ' || pg_temp.pick(z.streets, p.id, 7)
            ELSE (1 + pg_temp.h(p.id, 6) % 180) || ' ' || pg_temp.pick(pg_temp.w_street(), p.id, 7) || ' '
                 || pg_temp.pick(pg_temp.w_street_kind(), p.id, 8) END,
       CASE WHEN p.ptype = 'flat' THEN pg_temp.pick(pg_temp.w_flat(), p.id, 14) || ' ' || (1 + pg_temp.h(p.id, 9) % 24)
                 || CASE WHEN z.streets IS NOT NULL THEN chr(65 + (pg_temp.h(p.id, 15) % 8)::int) ELSE '' END
            WHEN p.ptype = 'maisonette' THEN (pg_temp.w_maisonette())[1] || ' ' || (1 + pg_temp.h(p.id, 9) % 4)
            WHEN p.ptype IN ('factory','warehouse') THEN NULL
            WHEN NOT p.hh AND pg_temp.h(p.id, 9) % 3 = 0 THEN pg_temp.pick(pg_temp.w_ground_floor(), p.id, 14)
            END,
       -- A zone's ZIP codes carry their town ('11354|Flushing'); British towns are the zone's.
       CASE WHEN z.zips IS NOT NULL THEN split_part(pg_temp.pick(z.zips, p.id, 10), '|', 2) ELSE z.town END,
       CASE WHEN z.zips IS NOT NULL THEN split_part(pg_temp.pick(z.zips, p.id, 10), '|', 1)
            ELSE z.pc_area || (z.pc_district + pg_temp.h(p.id, 10) % 4) || ' ' || (pg_temp.h(p.id, 11) % 10)
                 || pg_temp.pick(pg_temp.w_postcode_letters(), p.id, 12)
                 || pg_temp.pick(pg_temp.w_postcode_letters(), p.id, 13) END,
       z.zone_id, p.ptype, p.occupants, CASE WHEN p.hh THEN 'household' ELSE 'non_household' END,
       (p.since + time '09:00')::timestamptz
  FROM seed_prem p JOIN seed_zone z ON z.n = p.zn
 ORDER BY p.id;

INSERT INTO customer_premise (customer_id, premise_id, role, start_date)
SELECT customer_id, id, 'billing', since FROM seed_prem ORDER BY customer_id, id;

------------------------------------------------------------------------------------------
-- Meters: one per premise, a second one on a few (mostly business) premises. Each meter gets
-- a monthly base consumption in m3 from its premise, a read pattern and, on about 1% of
-- meters, a leak: a sustained jump (any meter) or continuous night flow (smart meters).
CREATE TEMP TABLE seed_meter ON COMMIT DROP AS
WITH m AS (
    SELECT p.id AS id, p.id AS premise_id, p.customer_id, p.seg, p.ptype, p.occupants, p.since, 1 AS nth
      FROM seed_prem p
    UNION ALL
    SELECT (SELECT max(id) FROM seed_prem) + row_number() OVER (ORDER BY p.id), p.id, p.customer_id, p.seg,
           p.ptype, p.occupants, p.since, 2
      FROM seed_prem p
     WHERE pg_temp.h(p.id, 15) % 1000 < CASE WHEN p.hh THEN 3 ELSE 20 END
)
SELECT m.id, m.premise_id, m.customer_id, m.nth, m.since, t.mtype,
       b.base,
       (50 + pg_temp.h(m.id, 16) % 4000)::double precision AS r0,
       b.base * 0.3 AS noise,
       (pg_temp.h(m.id, 17) % 26)::int AS read_day,
       (1 + 2 * (pg_temp.h(m.id, 9) % 499))::int AS pat_a,      -- odd: months spread over 0..999
       (pg_temp.h(m.id, 10) % 1000)::int AS pat_b,
       0.7 + 1.9 * pg_temp.u(m.id, 11) AS freq,
       6.2832 * pg_temp.u(m.id, 12) AS phase,
       CASE t.mtype WHEN 'dumb' THEN 120 WHEN 'amr' THEN 20 ELSE 0 END AS est_rate,
       CASE WHEN pg_temp.h(m.id, 18) % 1000 >= 10 THEN NULL
            WHEN t.mtype = 'smart' THEN 'night' ELSE 'jump' END AS leak_kind,
       (18 + pg_temp.h(m.id, 19) % 5)::int AS leak_from,
       6 + pg_temp.h(m.id, 21) % 40 AS leak_lph
  FROM m,
       LATERAL (SELECT CASE WHEN pg_temp.h(m.id, 22) % 100 < 25 THEN 'smart'
                            WHEN pg_temp.h(m.id, 22) % 100 < 40 THEN 'amr' ELSE 'dumb' END AS mtype) t,
       LATERAL (SELECT CASE
            WHEN m.occupants IS NOT NULL THEN m.occupants * (3.0 + 1.8 * pg_temp.u(m.id, 23))
            WHEN m.seg = 'small_business' THEN 8 + 30 * pg_temp.u(m.id, 23)
            WHEN m.seg = 'commercial'     THEN 40 + 260 * pg_temp.u(m.id, 23)
            WHEN m.seg = 'industrial'     THEN 300 + 3000 * pg_temp.u(m.id, 23)
            WHEN m.seg = 'key_account'    THEN 100 + 1500 * pg_temp.u(m.id, 23)
            WHEN m.ptype = 'hospital'     THEN 800 + 1500 * pg_temp.u(m.id, 23)
            WHEN m.ptype = 'school'       THEN 60 + 200 * pg_temp.u(m.id, 23)
            ELSE 30 + 100 * pg_temp.u(m.id, 23) END AS base) b;
-- Leak size in m3 a month: a jump adds 50-150% of normal use; night flow runs all day.
ALTER TABLE seed_meter ADD COLUMN leak_m3 double precision;
UPDATE seed_meter SET leak_m3 = CASE leak_kind WHEN 'jump' THEN base * (0.5 + pg_temp.u(id, 24))
                                               WHEN 'night' THEN leak_lph * 0.72 ELSE 0 END;
ANALYZE seed_meter;

INSERT INTO meter (id, premise_id, serial, meter_type, size_mm, installed_on, status)
SELECT m.id, m.premise_id,
       (ARRAY['KM','EL','SN','AR','IT','ZN','SM','WS'])[1 + pg_temp.h(m.id, 25) % 8]
           || lpad(((m.id * 387420489 + 1234567) % 100000000)::text, 8, '0'),
       m.mtype,
       CASE WHEN m.base < 30 THEN 15 WHEN m.base < 150 THEN 22 WHEN m.base < 600 THEN 40
            WHEN m.base < 2000 THEN 80 ELSE 100 END,
       least(m.since, (SELECT first_month FROM seed_param) - 31) - (pg_temp.h(m.id, 26) % 400)::int,
       'active'
  FROM seed_meter m
 ORDER BY m.id;

-- The 24 months: season factor (summer use is higher) and its running total, so a meter's
-- cumulative use is closed-form and no window over the big table is needed.
CREATE TEMP TABLE seed_month ON COMMIT DROP AS
WITH f AS (
    SELECT m, (p.first_month + m * interval '1 month')::date AS ms,
           1 + 0.2 * cos(2 * pi() * (extract(month FROM p.first_month + m * interval '1 month') - 7) / 12) AS f
      FROM seed_param p, generate_series(0, 23) m
), c AS (
    SELECT m, ms, f, sum(f) OVER (ORDER BY m) AS cf FROM f
)
SELECT c.m, c.ms, c.f, c.cf AS cf0,
       coalesce(lag(c.cf, 1) OVER (ORDER BY c.m), 0) AS cf1,
       coalesce(lag(c.cf, 2) OVER (ORDER BY c.m), 0) AS cf2
  FROM c;
ANALYZE seed_month;

-- Monthly reads. True cumulative use T(j) = start + base * seasonal total + noise + leak, with
-- per-meter noise (a sine of its own frequency and phase) and a per-meter pattern of estimated
-- months, so no hash is needed per row. An estimated read under-reads (70% of the month's
-- use) and the next actual read catches up. consumption_m3 is the difference of the stored
-- (rounded) readings.
INSERT INTO meter_read (id, meter_id, read_on, reading, consumption_m3, read_type, night_flow_lph)
SELECT m.id * 24 + mo.m, m.id, mo.ms + m.read_day,
       r.cur, r.cur - r.prev,
       CASE WHEN m.mtype = 'smart' THEN 'smart'
            WHEN x.e0 THEN 'estimated'
            WHEN m.mtype = 'dumb' AND x.v0 >= 960 THEN 'customer'
            ELSE 'actual' END,
       CASE WHEN m.mtype <> 'smart' THEN NULL
            WHEN m.leak_kind = 'night' AND mo.m >= m.leak_from
                 THEN round((m.leak_lph * (0.9 + 0.2 * x.n0))::numeric, 2)
            WHEN x.v0 >= 940 THEN round((0.5 + 3 * x.n0)::numeric, 2)
            ELSE 0 END
  FROM seed_meter m
 CROSS JOIN seed_month mo
 CROSS JOIN LATERAL (
    SELECT (mo.m * m.pat_a + m.pat_b) % 1000 AS v0,
           mo.m > 0 AND (mo.m * m.pat_a + m.pat_b) % 1000 < m.est_rate AS e0,
           mo.m > 1 AND ((mo.m - 1) * m.pat_a + m.pat_b) % 1000 < m.est_rate AS e1,
           0.5 + 0.5 * sin(mo.m * m.freq + m.phase) AS n0,
           m.r0 + m.base * mo.cf0 + m.noise * (0.5 + 0.5 * sin(mo.m * m.freq + m.phase))
                + m.leak_m3 * greatest(0, mo.m - m.leak_from + 1) AS t0,
           m.r0 + m.base * mo.cf1 + m.noise * (0.5 + 0.5 * sin((mo.m - 1) * m.freq + m.phase))
                + m.leak_m3 * greatest(0, mo.m - m.leak_from) AS t1,
           m.r0 + m.base * mo.cf2 + m.noise * (0.5 + 0.5 * sin((mo.m - 2) * m.freq + m.phase))
                + m.leak_m3 * greatest(0, mo.m - m.leak_from - 1) AS t2) x
 CROSS JOIN LATERAL (
    SELECT round((CASE WHEN x.e0 THEN x.t1 + 0.7 * (x.t0 - x.t1) ELSE x.t0 END)::numeric, 3) AS cur,
           round((CASE WHEN x.e1 THEN x.t2 + 0.7 * (x.t1 - x.t2) ELSE x.t1 END)::numeric, 3) AS prev) r;

------------------------------------------------------------------------------------------
-- Billing: households quarterly, businesses monthly, over the 24 months. Amounts follow the
-- customer's metered base use and the season (standing charge + volumetric rate).
CREATE TEMP TABLE seed_period ON COMMIT DROP AS
SELECT kind, k, (p.first_month + k * len * interval '1 month')::date AS ps,
       (p.first_month + (k + 1) * len * interval '1 month' - interval '1 day')::date AS pe,
       len AS months,
       (SELECT e.cf0 FROM seed_month e WHERE e.m = (k + 1) * len - 1)
           - (SELECT s.cf1 FROM seed_month s WHERE s.m = k * len) AS season
  FROM seed_param p,
       (VALUES ('q', 3, 8), ('m', 1, 24)) AS v(kind, len, n),
       generate_series(0, v.n - 1) k;

CREATE TEMP TABLE seed_cbase ON COMMIT DROP AS
SELECT m.customer_id, sum(m.base) AS base, min(m.premise_id) AS premise_id,
       bool_and(m.mtype = 'dumb') AS dumb
  FROM seed_meter m GROUP BY m.customer_id;
ALTER TABLE seed_cbase ADD PRIMARY KEY (customer_id);
ANALYZE seed_period;
ANALYZE seed_cbase;

-- Payment habits: 0 pays every bill (direct debit on the due date, others within the term);
-- 1 stopped paying 2-5 bills ago (one part-paid); 2 stopped and is now on an arrangement.
INSERT INTO bill (id, customer_id, premise_id, period_start, period_end, issued_on, due_on, amount, estimated, status)
SELECT c.id * 24 + pr.k, c.id, cb.premise_id, pr.ps, pr.pe, d.issued_on, d.due_on,
       round((CASE WHEN c.hh THEN 9.50 ELSE 25.00 END * pr.months
              + CASE WHEN c.hh THEN 3.40 ELSE 2.95 END * cb.base * pr.season)::numeric, 2),
       cb.dumb AND (c.id + 3 * pr.k) % 10 = 0,
       CASE WHEN pr.k > c.stop_k OR (pr.k = c.stop_k AND c.pay_class = 2) THEN
                 CASE WHEN d.due_on < p.anchor THEN 'overdue' ELSE 'issued' END
            WHEN pr.k = c.stop_k THEN
                 CASE WHEN d.issued_on + 20 <= p.anchor THEN 'part_paid'
                      WHEN d.due_on < p.anchor THEN 'overdue' ELSE 'issued' END
            WHEN (CASE WHEN c.method = 'direct_debit' THEN d.due_on
                       ELSE d.issued_on + 3 + ((c.id * 7 + pr.k * 13) % 22)::int END) <= p.anchor THEN 'paid'
            WHEN d.due_on < p.anchor THEN 'overdue'
            ELSE 'issued' END
  FROM seed_param p, seed_cust c
  JOIN seed_cbase cb ON cb.customer_id = c.id
  JOIN seed_period pr ON pr.kind = CASE WHEN c.hh THEN 'q' ELSE 'm' END AND pr.pe >= c.since
 CROSS JOIN LATERAL (
    SELECT pr.pe + 1 + (c.id % 5)::int AS issued_on,
           pr.pe + 1 + (c.id % 5)::int + CASE WHEN c.hh THEN 28 ELSE 30 END AS due_on) d
 -- a period that ended in the last days is billed only once its issue day has come
 WHERE d.issued_on <= p.anchor;

-- Payments against bills, re-deriving each bill's payment with the same rules as above.
INSERT INTO payment (id, customer_id, bill_id, paid_on, amount, method)
SELECT b.id + c.id * 8, b.customer_id, b.id,
       CASE WHEN b.status = 'part_paid' THEN b.issued_on + 20
            WHEN c.method = 'direct_debit' THEN b.due_on
            ELSE b.issued_on + 3 + ((c.id * 7 + (b.id - c.id * 24) * 13) % 22)::int END,
       CASE WHEN b.status = 'part_paid' THEN round(b.amount * (0.3 + 0.004 * (b.id * 37 % 100)), 2)
            ELSE b.amount END,
       CASE WHEN b.status = 'part_paid' AND c.method = 'direct_debit' THEN 'card' ELSE c.method END
  FROM bill b JOIN seed_cust c ON c.id = b.customer_id
 WHERE b.status IN ('paid','part_paid');

-- Arrangements: an active one for class 2 (monthly instalments so far), a broken earlier one
-- for some customers in arrears.
INSERT INTO payment_arrangement (id, customer_id, start_on, end_on, total_amount, instalment, frequency, status, created_at)
SELECT c.id, c.id, a.start_on, (a.start_on + interval '12 months')::date,
       round((a.inst * 12)::numeric, 2), round(a.inst::numeric, 2), 'monthly', 'active',
       (a.start_on - 3 + time '10:30')::timestamptz
  FROM seed_cust c JOIN seed_cbase cb ON cb.customer_id = c.id,
       LATERAL (SELECT pg_temp.d('2026-05-01') + (pg_temp.h(c.id, 33) % 120)::int AS start_on,
                       0.6 * (CASE WHEN c.hh THEN 9.50 + 3.40 * cb.base ELSE 25 + 2.95 * cb.base END) AS inst) a
 WHERE c.pay_class = 2 AND EXISTS (SELECT 1 FROM bill b WHERE b.customer_id = c.id)
UNION ALL
SELECT c.id, c.id, a.start_on, a.start_on + 75, round((a.inst * 12)::numeric, 2), round(a.inst::numeric, 2),
       'monthly', 'broken', (a.start_on - 2 + time '14:10')::timestamptz
  FROM seed_cust c JOIN seed_cbase cb ON cb.customer_id = c.id,
       LATERAL (SELECT pg_temp.d('2025-03-01') + (pg_temp.h(c.id, 34) % 200)::int AS start_on,
                       0.5 * (CASE WHEN c.hh THEN 9.50 + 3.40 * cb.base ELSE 25 + 2.95 * cb.base END) AS inst) a
 WHERE c.pay_class = 1 AND pg_temp.h(c.id, 35) % 5 = 0
   -- only someone with bills owes: a customer who moved in last quarter has none yet
   AND EXISTS (SELECT 1 FROM bill b WHERE b.customer_id = c.id);

INSERT INTO payment (id, customer_id, bill_id, paid_on, amount, method)
SELECT a.customer_id * 32 + 24 + i, a.customer_id, NULL, (a.start_on + i * interval '1 month')::date, a.instalment,
       CASE WHEN pg_temp.h(a.customer_id, 36) % 3 = 0 THEN 'card' ELSE 'direct_debit' END
  FROM payment_arrangement a, seed_param p,
       generate_series(0, 7) i
 WHERE (a.start_on + i * interval '1 month')::date <= least(p.anchor, coalesce(a.end_on, p.anchor));

-- Balance cache, as refresh_customer_balance() defines it: bills less payments; arrears is the
-- part already due today (so, like the function, it depends on the day the seed runs).
-- Customers with credits or compensation are refreshed by the function itself at the end.
CREATE TEMP TABLE seed_balance ON COMMIT DROP AS
-- (a full join: whoever has bills or payments.)
SELECT coalesce(b.customer_id, pm.customer_id) AS customer_id,
       coalesce(b.billed, 0) - coalesce(pm.paid, 0) AS balance,
       greatest(0, coalesce(b.billed, 0) - coalesce(pm.paid, 0) - coalesce(b.not_due, 0)) AS arrears
  FROM (SELECT customer_id, sum(amount) AS billed,
               coalesce(sum(amount) FILTER (WHERE due_on >= (SELECT anchor FROM seed_param)), 0) AS not_due
          FROM bill WHERE status <> 'cancelled' GROUP BY customer_id) b
  FULL JOIN (SELECT customer_id, sum(amount) AS paid FROM payment GROUP BY customer_id) pm
         ON pm.customer_id = b.customer_id;
ALTER TABLE seed_balance ADD PRIMARY KEY (customer_id);
ANALYZE seed_balance;

------------------------------------------------------------------------------------------
-- Account numbers: '4', eight digits (a permutation of the customer id mod 10^8, so unique), and a
-- check digit = sum of digit_i * i over the first nine digits (i = 1 from the left), mod 10.
CREATE FUNCTION pg_temp.account_no(id bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT '4' || lpad(((id * 387420489 + 52711) % 100000000)::text, 8, '0')
       || ((4 + (((id * 387420489 + 52711) % 100000000) / 10000000 % 10) * 2
              + (((id * 387420489 + 52711) % 100000000) / 1000000 % 10) * 3
              + (((id * 387420489 + 52711) % 100000000) / 100000 % 10) * 4
              + (((id * 387420489 + 52711) % 100000000) / 10000 % 10) * 5
              + (((id * 387420489 + 52711) % 100000000) / 1000 % 10) * 6
              + (((id * 387420489 + 52711) % 100000000) / 100 % 10) * 7
              + (((id * 387420489 + 52711) % 100000000) / 10 % 10) * 8
              + (((id * 387420489 + 52711) % 100000000) % 10) * 9) % 10)::text
$$;

INSERT INTO customer (id, account_no, title, first_name, last_name, name, segment, language, preferred_channel,
                      phone_e164, email, vulnerability, priority_services, non_digital, balance, arrears,
                      created_at, updated_at)
SELECT c.id, pg_temp.account_no(c.id), n.title, n.first_name, n.last_name,
       CASE WHEN c.hh THEN n.first_name || ' ' || n.last_name ELSE b.company END,
       c.seg, l.language, ch.preferred_channel,
       -- North America: an area code of the zone, an exchange 200-999 and a line number, from a
       -- permutation of the id mod 8*10^6, so numbers are unique.
       CASE WHEN z.area_codes IS NOT NULL
            THEN '+1' || pg_temp.pick(z.area_codes, c.id, 46)
                 || (200 + (c.id * 387420489 + 8675309) % 8000000 / 10000)
                 || lpad(((c.id * 387420489 + 8675309) % 10000)::text, 4, '0')
            WHEN pg_temp.h(c.id, 45) % 100 < CASE WHEN c.hh THEN 70 ELSE 30 END
            -- a permutation of the id mod 5*10^8, so mobile numbers are unique: 074.. to 078..
            THEN '+447' || (4 + (c.id * 387420489 + 8675309) % 500000000 / 100000000)
                 || lpad(((c.id * 387420489 + 8675309) % 100000000)::text, 8, '0')
            ELSE '+44' || z.dial || (2 + pg_temp.h(c.id, 46) % 8)
                 || lpad((pg_temp.h(c.id, 47) % (10 ^ (z.sub_len - 1))::bigint)::text, z.sub_len - 1, '0') END,
       CASE WHEN NOT c.hh THEN 'accounts@' || lower(regexp_replace(translate(b.company, 'âŷé', 'aye'), '[^A-Za-z]', '', 'g'))
                 || (pg_temp.w_business_domain())[1]
            WHEN v.non_digital OR pg_temp.h(c.id, 48) % 100 >= 80 THEN NULL
            ELSE lower(regexp_replace(translate(n.first_name || '.' || n.last_name, 'âŷé', 'aye'), '[^A-Za-z.]', '', 'g'))
                 || CASE WHEN pg_temp.h(c.id, 49) % 2 = 0 THEN (pg_temp.h(c.id, 50) % 100)::text ELSE '' END
                 || '@' || pg_temp.pick(pg_temp.w_email_domain(), c.id, 51) END,
       v.flags, v.flags <> '{}' AND pg_temp.h(c.id, 52) % 10 < 7, v.non_digital,
       coalesce(bal.balance, 0), coalesce(bal.arrears, 0),
       (c.since + time '09:00')::timestamptz + (pg_temp.h(c.id, 53) % 30000) * interval '1 second',
       (c.since + time '09:00')::timestamptz + (pg_temp.h(c.id, 53) % 30000) * interval '1 second'
            + (pg_temp.h(c.id, 54) % 400) * interval '1 day'
  FROM seed_cust c
  JOIN seed_zone z ON z.n = c.zn
  LEFT JOIN seed_balance bal ON bal.customer_id = c.id
 CROSS JOIN LATERAL (
    SELECT CASE WHEN pg_temp.h(c.id, 40) % 2 = 0 THEN 'f' ELSE 'm' END AS gender) g
 CROSS JOIN LATERAL (
    SELECT CASE WHEN g.gender = 'm' THEN CASE WHEN pg_temp.h(c.id, 55) % 100 < 4 THEN 'Dr' ELSE 'Mr' END
                WHEN pg_temp.h(c.id, 55) % 100 < 4 THEN 'Dr'
                WHEN pg_temp.h(c.id, 55) % 100 < 5 THEN 'Mx'
                WHEN pg_temp.h(c.id, 55) % 100 < CASE WHEN c.seg = 'senior' THEN 80 ELSE 50 END THEN 'Mrs'
                WHEN pg_temp.h(c.id, 55) % 100 < 80 THEN 'Ms' ELSE 'Miss' END AS title,
           CASE WHEN g.gender = 'f' THEN pg_temp.pick(pg_temp.w_female(), c.id, 56)
                ELSE pg_temp.pick(pg_temp.w_male(), c.id, 56) END AS first_name,
           pg_temp.pick(pg_temp.w_surname(), c.id, 57) AS last_name) n
 CROSS JOIN LATERAL (
    SELECT CASE c.seg
        WHEN 'small_business' THEN
            btrim(CASE WHEN pg_temp.h(c.id, 58) % 2 = 0 THEN pg_temp.pick(pg_temp.w_prefix(), c.id, 59)
                       ELSE z.town END
                  || ' ' || pg_temp.pick(pg_temp.w_trade_small(), c.id, 60)
                  || ' ' || pg_temp.pick(pg_temp.w_small_suffix(), c.id, 61))
        WHEN 'commercial' THEN pg_temp.pick(pg_temp.w_prefix(), c.id, 59) || ' '
                  || pg_temp.pick(pg_temp.w_trade_commercial(), c.id, 60) || ' ' || (pg_temp.w_corp_suffix())[2]
        WHEN 'industrial' THEN pg_temp.pick(pg_temp.w_prefix(), c.id, 59) || ' '
                  || pg_temp.pick(pg_temp.w_trade_industrial(), c.id, 60)
                  || ' ' || (pg_temp.w_corp_suffix())[CASE WHEN pg_temp.h(c.id, 61) % 4 = 0 THEN 1 ELSE 2 END]
        WHEN 'key_account' THEN pg_temp.pick(pg_temp.w_prefix(), c.id, 59) || ' '
                  || pg_temp.pick(pg_temp.w_key_account(), c.id, 60)
        WHEN 'public_sector' THEN z.town || ' '
                  || pg_temp.pick(pg_temp.w_public_sector(), c.id, 60)
        END AS company) b
 CROSS JOIN LATERAL (
    SELECT CASE WHEN z.zips IS NOT NULL THEN    -- New York: about one in five speaks Spanish at home
                    CASE WHEN pg_temp.h(c.id, 41) % 1000 < 180 THEN 'es'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 220 THEN 'zh'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 240 THEN 'ru'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 252 THEN 'bn'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 262 THEN 'ht'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 270 THEN 'ko'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 276 THEN 'ar'
                         WHEN pg_temp.h(c.id, 41) % 1000 < 281 THEN 'pl'
                         ELSE 'en' END
                WHEN z.region = 'wales' AND pg_temp.h(c.id, 41) % 1000 < 120 THEN 'cy'
                WHEN pg_temp.h(c.id, 41) % 1000 < 120 THEN 'en'
                WHEN pg_temp.h(c.id, 41) % 1000 < 135 THEN 'pl'
                WHEN pg_temp.h(c.id, 41) % 1000 < 145 THEN 'ur'
                WHEN pg_temp.h(c.id, 41) % 1000 < 152 THEN 'pa'
                WHEN pg_temp.h(c.id, 41) % 1000 < 157 THEN 'bn'
                WHEN pg_temp.h(c.id, 41) % 1000 < 160 THEN 'so'
                WHEN pg_temp.h(c.id, 41) % 1000 < 164 THEN 'ar'
                WHEN pg_temp.h(c.id, 41) % 1000 < 168 THEN 'zh'
                ELSE 'en' END AS language) l
 CROSS JOIN LATERAL (
    SELECT CASE WHEN NOT c.hh THEN false
                ELSE pg_temp.h(c.id, 62) % 100 < CASE WHEN c.seg = 'senior' THEN 35 ELSE 4 END END AS non_digital,
           CASE WHEN NOT c.hh OR pg_temp.h(c.id, 63) % 1000 >= CASE WHEN c.seg = 'senior' THEN 150 ELSE 35 END
                THEN '{}'::text[]
                ELSE array_remove(ARRAY[
                        pg_temp.pick(CASE WHEN c.seg = 'senior'
                                          THEN ARRAY['hearing','sight','mobility','medical_water','chronic_illness','dialysis']
                                          ELSE ARRAY['medical_water','dialysis','hearing','sight','mobility','mental_health',
                                                     'young_children','chronic_illness','temporary_illness'] END, c.id, 64),
                        CASE WHEN pg_temp.h(c.id, 65) % 4 = 0 THEN 'mental_health' END,
                        CASE WHEN l.language NOT IN ('en','cy') AND pg_temp.h(c.id, 66) % 3 = 0 THEN 'language' END],
                     NULL) END AS flags) v0
 CROSS JOIN LATERAL (SELECT v0.non_digital, CASE WHEN v0.flags = '{}' THEN v0.flags
                                                ELSE ARRAY(SELECT DISTINCT f FROM unnest(v0.flags) f ORDER BY f) END AS flags) v
 CROSS JOIN LATERAL (
    SELECT CASE WHEN v.non_digital THEN CASE WHEN pg_temp.h(c.id, 67) % 5 = 0 THEN 'letter' ELSE 'phone' END
                WHEN NOT c.hh THEN (ARRAY['email','email','email','phone','phone','web'])[1 + pg_temp.h(c.id, 67) % 6]
                ELSE (ARRAY['phone','phone','phone','phone','email','email','email','web','sms','sms','letter'])
                     [1 + pg_temp.h(c.id, 67) % 11] END AS preferred_channel) ch
 ORDER BY c.id;

------------------------------------------------------------------------------------------
-- Contacts on every channel over the two years: about three per customer, phone the most.
-- Subjects are short topic codes (a repeat on the same subject within days is a repeat
-- contact); each has plausible summaries, notes and wrap-up codes.
CREATE TEMP TABLE seed_subject (code text PRIMARY KEY, direction text, wraps text[], summaries text[], bodies text[])
    ON COMMIT DROP;
INSERT INTO seed_subject VALUES
('billing_query', 'inbound', '{info_given,info_given,resolved_first_contact,callback_arranged}',
 ARRAY['Asked how the latest bill was worked out', 'Query about the standing charge on the bill',
       'Wanted a copy of the last bill sent again', 'Asked why the bill covers three months'],
 ARRAY['Went through the readings, the volumetric rate and the standing charge line by line. Customer satisfied.',
       'Explained the billing cycle and the date of the next bill. Copy of the bill sent to the preferred address.',
       'Customer unsure about sewerage charges; explained surface water and foul sewerage parts of the bill.']),
('high_bill', 'inbound', '{callback_arranged,complaint_logged,info_given,field_visit_booked}',
 ARRAY['Bill much higher than usual', 'Thinks the reading on the bill is wrong', 'Usage up sharply; asked about leaks'],
 ARRAY['Compared the last reads with the same quarter last year. Talked the customer through a meter test with all taps off.',
       'Customer read the meter during the call; reading higher than billed. Advised on leak checks and the leak allowance.',
       'Usage doubled since the spring. Booked a leak investigation visit and noted the account for review.']),
('payment', 'inbound', '{payment_taken,payment_taken,info_given,arrangement_set}',
 ARRAY['Paid the outstanding balance by card', 'Asked for confirmation of a payment', 'Asked about ways to pay'],
 ARRAY['Card payment taken over the phone; receipt reference given.',
       'Payment found and allocated to the latest bill; customer reassured.',
       'Explained direct debit, online banking, card and PayPoint options; customer will set up a direct debit.']),
('direct_debit', 'inbound', '{account_updated,resolved_first_contact}',
 ARRAY['Set up a monthly direct debit', 'Changed the direct debit date', 'Asked to spread payments over 12 months'],
 ARRAY['Direct debit mandate set up; first collection confirmed in writing.',
       'Collection date moved to the 28th to suit pay day.',
       'Instalments recalculated over twelve months; new schedule sent.']),
('meter_reading', 'inbound', '{meter_read_taken,resolved_first_contact,info_given}',
 ARRAY['Customer gave a meter reading', 'Reading differs from the estimate on the bill', 'Asked when the meter will next be read'],
 ARRAY['Reading recorded and bill re-issued on the actual reading.',
       'Estimated bill replaced by one on the customer''s reading; balance adjusted.',
       'Explained the reading schedule and how to submit readings online.']),
('move_home', 'inbound', '{account_updated,resolved_first_contact}',
 ARRAY['Moving out: final reading arranged', 'Moving in: account set up', 'Change of occupier notified'],
 ARRAY['Final reading booked for the moving date; forwarding address taken.',
       'New account opened from the moving-in date; welcome pack sent.',
       'Previous occupier''s account closed; new occupier billed from the notified date.']),
('no_water', 'inbound', '{event_informed,field_visit_booked,escalated}',
 ARRAY['No water at the property since this morning', 'Supply on and off all day', 'Reported no water; told about work in the area'],
 ARRAY['Checked the zone for incidents and read the approved message; restoration estimate given.',
       'No known incident: checked the stop tap and neighbours, raised a job for the network team.',
       'Customer on the Priority Services Register: bottled water delivery arranged.']),
('low_pressure', 'inbound', '{field_visit_booked,info_given,complaint_logged}',
 ARRAY['Low pressure in the mornings', 'Pressure dropped after works in the street', 'Shower barely runs upstairs'],
 ARRAY['Pressure logger visit booked; explained the 7 m reference level.',
       'Works in the street finished last week; network team asked to check valves.',
       'Internal plumbing checks suggested (stop tap fully open, filters).']),
('leak_report', 'inbound', '{field_visit_booked,resolved_first_contact}',
 ARRAY['Reported water running in the road', 'Leak from the meter chamber', 'Damp patch on the pavement outside'],
 ARRAY['Leak logged with location and photos; priority set by flow and risk.',
       'Meter chamber leak on the company side; repair job raised.',
       'Customer thanked; told how to follow the repair online.']),
('water_quality', 'inbound', '{field_visit_booked,info_given,complaint_logged}',
 ARRAY['Brown water from the kitchen tap', 'Water tastes of chlorine', 'Cloudy white water that clears from the bottom'],
 ARRAY['Advised to run the cold kitchen tap; mains flushing in the area noted.',
       'Explained chlorine levels; sample visit offered.',
       'Cloudiness is air and clears from the bottom up; customer reassured.']),
('sewer_problem', 'inbound', '{field_visit_booked,escalated}',
 ARRAY['Drain blocked outside the property', 'Sewage smell in the street', 'Manhole overflowing after heavy rain'],
 ARRAY['Blockage job raised for the wastewater team within 24 hours.',
       'Odour logged; crew to check the pumping station.',
       'Overflow logged as a possible flooding incident; crew dispatched.']),
('priority_services', 'inbound', '{account_updated,resolved_first_contact}',
 ARRAY['Asked to join the Priority Services Register', 'Updated support needs on the register', 'Asked for bills in large print'],
 ARRAY['Added to the register with consent; needs recorded.',
       'Needs updated: hearing impairment, contact by text preferred.',
       'Large-print bills and a nominee for correspondence set up.']),
('general_enquiry', 'inbound', '{info_given,resolved_first_contact}',
 ARRAY['Asked about water hardness', 'Asked about free water-saving devices', 'Asked who is responsible for the supply pipe'],
 ARRAY['Gave the hardness for the zone and advice on appliances.',
       'Water-saving pack ordered; home water check offered.',
       'Explained the boundary: the company owns the pipe up to the property boundary.']),
('complaint_followup', 'inbound', '{complaint_updated,callback_arranged,escalated}',
 ARRAY['Chased progress on an open complaint', 'Asked for an update on the investigation', 'Unhappy that nobody called back'],
 ARRAY['Gave the latest update from the complaint record and the next step.',
       'Owner to call back by the end of the next working day.',
       'Apologised for the missed call-back and escalated to the team leader.']),
('bill_issued', 'outbound', '{}',
 ARRAY['Bill issued', 'Bill ready to view online', 'Statement sent'],
 ARRAY['Your latest water bill is ready. View it online or call us with any question.',
       'Your statement has been sent. Payment is due within 28 days.']),
('read_reminder', 'outbound', '{}',
 ARRAY['Reminder to submit a meter reading', 'Meter reading due'],
 ARRAY['Please send us a meter reading this week so your next bill is accurate.',
       'Your meter reading is due. Reply with the black numbers on your meter.']),
('appointment', 'outbound', '{}',
 ARRAY['Appointment reminder sent', 'Morning appointment confirmed'],
 ARRAY['Reminder: our engineer will visit tomorrow between 8am and 1pm.',
       'Your appointment is confirmed for a morning slot. Reply to rearrange.']),
('event_update', 'outbound', '{}',
 ARRAY['Incident update: supply restoration in progress', 'Notice of planned work in the area'],
 ARRAY['We are repairing a burst main in your area. We expect supplies back this evening.',
       'Planned work in your street next week may interrupt supply for up to 4 hours.']),
('meter_exchange', 'outbound', '{resolved_first_contact,info_given}',
 ARRAY['Meter exchanged', 'Meter fitted in the boundary box'],
 ARRAY['Old meter removed with its final reading recorded; new meter fitted and tested.',
       'Boundary box installed and meter fitted; customer shown how to read it.']),
('leak_investigation', 'outbound', '{resolved_first_contact,field_visit_booked}',
 ARRAY['Leak investigation: customer-side leak found', 'Leak investigation: no leak found'],
 ARRAY['Meter test showed constant flow; leak traced to the supply pipe. Leak allowance explained.',
       'No flow with all taps closed; reading history reviewed with the customer.']),
('pressure_test', 'outbound', '{info_given,field_visit_booked}',
 ARRAY['Pressure logged at the stop tap', 'Pressure logger fitted for 7 days'],
 ARRAY['Pressure above the reference level at the time of the visit.',
       'Logger fitted; results in a week.']),
('quality_sample', 'outbound', '{info_given}',
 ARRAY['Water sample taken at the kitchen tap'],
 ARRAY['Sample taken for colour, taste and metals; results to the customer within 10 working days.']);

CREATE TEMP TABLE seed_channel (channel text PRIMARY KEY, subjects text[]) ON COMMIT DROP;
INSERT INTO seed_channel VALUES
('phone', '{billing_query,billing_query,billing_query,billing_query,billing_query,high_bill,high_bill,high_bill,payment,payment,payment,direct_debit,direct_debit,meter_reading,meter_reading,move_home,move_home,move_home,no_water,no_water,low_pressure,leak_report,leak_report,water_quality,sewer_problem,priority_services,general_enquiry,general_enquiry,complaint_followup}'),
('email', '{billing_query,billing_query,billing_query,high_bill,high_bill,direct_debit,move_home,move_home,meter_reading,complaint_followup,bill_issued,bill_issued,bill_issued,general_enquiry}'),
('web', '{meter_reading,meter_reading,meter_reading,meter_reading,payment,payment,payment,move_home,move_home,direct_debit,direct_debit,leak_report,general_enquiry,billing_query}'),
('sms', '{bill_issued,bill_issued,bill_issued,read_reminder,read_reminder,read_reminder,appointment,appointment,event_update}'),
('walk_in', '{payment,payment,payment,billing_query,billing_query,move_home,general_enquiry}'),
('field_visit', '{meter_exchange,meter_exchange,leak_investigation,leak_investigation,pressure_test,quality_sample}'),
('social', '{no_water,no_water,water_quality,general_enquiry,general_enquiry,leak_report,sewer_problem}');

-- Channel mix in percent: phone 50, email 18, web 12, sms 9, field visit 5, walk-in 3, social 3.
INSERT INTO seed_words
SELECT 'channel_pick', array_agg(ch ORDER BY o, g)
  FROM (VALUES (1, 'phone', 50), (2, 'email', 18), (3, 'web', 12), (4, 'sms', 9), (5, 'field_visit', 5),
               (6, 'walk_in', 3), (7, 'social', 3)) v(o, ch, w),
       generate_series(1, v.w) g;
SELECT pg_temp.make_word_functions();

ANALYZE seed_subject;
ANALYZE seed_channel;
ANALYZE seed_staff;

-- x = customer * 8 + k identifies the k-th contact. About one in ten contacts is a repeat:
-- the customer phones again about the previous contact's (inbound) subject two days later.
INSERT INTO interaction (id, customer_id, premise_id, channel, direction, staff_id, started_at, ended_at,
                         wrap_up_code, subject, summary, body, created_at)
SELECT md5('interaction:' || r.x)::uuid, r.cid, r.premise_id, r.channel, s.direction, st.staff_id,
       r.started_at, r.started_at + d.secs * interval '1 second',
       CASE WHEN st.staff_id IS NOT NULL AND s.wraps <> '{}' THEN pg_temp.pick(s.wraps, r.x, 74) END,
       s.code, pg_temp.pick(s.summaries, r.x, 75), pg_temp.pick(s.bodies, r.x, 76),
       r.started_at + d.secs * interval '1 second'
  FROM (
    SELECT c.id AS cid, cb.premise_id, c.id * 8 + kk.k AS x,
           CASE WHEN q.rep THEN 'phone' ELSE ch0.channel END AS channel,
           CASE WHEN q.rep THEN q.subj1 ELSE q.subj0 END AS subject,
           CASE WHEN q.rep THEN date_trunc('day', q.ts1) + interval '2 days 9 hours' + (c.id * 8 + kk.k) % 25000 * interval '1 second'
                ELSE q.ts0 END AS started_at
      FROM seed_cust c
      JOIN seed_cbase cb ON cb.customer_id = c.id
     CROSS JOIN LATERAL generate_series(1, (pg_temp.h(c.id, 30) % 7
                                           + CASE WHEN c.hh THEN 0 ELSE pg_temp.h(c.id, 31) % 3 END)::int) kk(k)
      JOIN seed_channel ch0 ON ch0.channel = pg_temp.pick(pg_temp.w_channel_pick(), c.id * 8 + kk.k, 71)
      JOIN seed_channel ch1 ON ch1.channel = pg_temp.pick(pg_temp.w_channel_pick(), c.id * 8 + kk.k - 1, 71)
     CROSS JOIN LATERAL (
        SELECT pg_temp.pick(ch0.subjects, c.id * 8 + kk.k, 72) AS subj0,
               pg_temp.pick(ch1.subjects, c.id * 8 + kk.k - 1, 72) AS subj1,
               kk.k >= 2 AND pg_temp.h(c.id * 8 + kk.k, 70) % 10 = 0
                   AND ch1.channel IN ('phone','email','web','walk_in','social') AS rep0,
               ((SELECT anchor FROM seed_param) - 1 - (pg_temp.h(c.id * 8 + kk.k, 73) % 728)::int + time '08:00')::timestamptz
                   + (pg_temp.h(c.id * 8 + kk.k, 77) % CASE WHEN ch0.channel IN ('phone','walk_in','field_visit') THEN 36000 ELSE 50000 END)
                     * interval '1 second' AS ts0,
               ((SELECT anchor FROM seed_param) - 1 - (pg_temp.h(c.id * 8 + kk.k - 1, 73) % 728)::int + time '08:00')::timestamptz
                   + (pg_temp.h(c.id * 8 + kk.k - 1, 77) % CASE WHEN ch1.channel IN ('phone','walk_in','field_visit') THEN 36000 ELSE 50000 END)
                     * interval '1 second' AS ts1
        OFFSET 0) q0
     CROSS JOIN LATERAL (SELECT q0.*, q0.rep0 AND q0.subj1 NOT IN ('bill_issued','read_reminder','appointment','event_update',
                                                                  'meter_exchange','leak_investigation','pressure_test','quality_sample') AS rep) q
  ) r
  JOIN seed_subject s ON s.code = r.subject
 CROSS JOIN LATERAL (
    SELECT CASE WHEN r.channel = 'field_visit' THEN (SELECT ids FROM seed_staff WHERE group_role = 'field')[1 + pg_temp.h(r.x, 78) % 10]
                WHEN r.channel IN ('web','sms') OR (r.channel = 'email' AND s.direction = 'outbound') THEN NULL
                ELSE (SELECT ids FROM seed_staff WHERE group_role = 'agent')[1 + pg_temp.h(r.x, 78) % 60] END AS staff_id) st
 CROSS JOIN LATERAL (
    SELECT CASE r.channel WHEN 'phone' THEN 120 + pg_temp.h(r.x, 79) % 900
                          WHEN 'walk_in' THEN 300 + pg_temp.h(r.x, 79) % 1200
                          WHEN 'field_visit' THEN 1200 + pg_temp.h(r.x, 79) % 3600
                          WHEN 'email' THEN 60 + pg_temp.h(r.x, 79) % 600
                          WHEN 'social' THEN 60 + pg_temp.h(r.x, 79) % 300
                          ELSE 0 END AS secs) d;

-- Short satisfaction survey after about one staffed contact in eight.
INSERT INTO satisfaction_survey (id, interaction_id, csat, nps, comment, declined, at)
SELECT md5('survey:' || i.id)::uuid, i.id,
       CASE WHEN dcl THEN NULL ELSE (ARRAY[1,2,3,3,4,4,4,5,5,5,5,5])[1 + pg_temp.h(v.x, 81) % 12] END,
       CASE WHEN dcl THEN NULL ELSE (ARRAY[0,2,4,5,6,7,7,8,8,9,9,9,10,10,10])[1 + pg_temp.h(v.x, 82) % 15] END,
       CASE WHEN NOT dcl AND pg_temp.h(v.x, 83) % 6 = 0
            THEN (ARRAY['Quick and helpful, thank you.','Had to explain it all again.','Friendly agent.',
                        'Took too long to get through.','Problem sorted first time.',
                        'Still waiting for the call-back.'])[1 + pg_temp.h(v.x, 84) % 6] END,
       dcl, i.ended_at + interval '2 minutes'
  FROM interaction i
 CROSS JOIN LATERAL (SELECT ('x' || substr(i.id::text, 1, 7))::bit(28)::bigint AS x) v
 CROSS JOIN LATERAL (SELECT pg_temp.h(v.x, 85) % 5 = 0 AS dcl) dd
 WHERE i.staff_id IS NOT NULL AND i.channel IN ('phone','walk_in','email','field_visit')
   AND pg_temp.h(v.x, 80) % 8 = 0;

------------------------------------------------------------------------------------------
-- Critical events: exactly one active (in the zone of customer 1, so it always has
-- customers), placed relative to now(); three ended ones in the history.
INSERT INTO critical_event (id, kind, title, description, started_at, estimated_restore_at, ended_at, status,
                            agent_message, category_id, declared_by, created_at, updated_at)
SELECT md5('event:1')::uuid, 'supply_interruption', 'Burst main: ' || z.name,
       'A 12-inch trunk main burst under the main road; properties in ' || z.name || ' have no water or very low pressure.',
       date_trunc('minute', now()) - interval '3 hours', date_trunc('minute', now()) + interval '5 hours', NULL, 'active',
       'I''m sorry: a burst water main in ' || z.name || ' has interrupted supplies since '
           || to_char(date_trunc('minute', now()) - interval '3 hours', 'HH24:MI') || '. Our crews are repairing it and we expect '
           || 'supplies back by ' || to_char(date_trunc('minute', now()) + interval '5 hours', 'HH24:MI')
           || '. Bottled water is available at the ' || z.town || ' ' || (pg_temp.w_water_point())[1]
           || ', and we deliver to customers on the ' || (pg_temp.w_priority_list())[1] || '. When the water returns it may look cloudy or discoloured for a short while: '
           || 'run the cold kitchen tap until it clears.',
       (SELECT id FROM complaint_category WHERE code = 'supply.interruption'),
       (SELECT ids[1] FROM seed_staff WHERE group_role = 'supervisor'),
       now() - interval '3 hours', now() - interval '3 hours'
  FROM seed_cust c JOIN seed_zone z ON z.n = c.zn WHERE c.id = 1;

INSERT INTO critical_event (id, kind, title, description, started_at, estimated_restore_at, ended_at, status,
                            agent_message, category_id, declared_by, created_at, updated_at)
SELECT md5('event:' || e.n)::uuid, e.kind, e.title || z.name, e.descr, pg_temp.ts(e.started), pg_temp.ts(e.restore),
       pg_temp.ts(e.ended), 'ended', e.msg, (SELECT id FROM complaint_category WHERE code = e.cat),
       (SELECT ids[1 + e.n % 8] FROM seed_staff WHERE group_role = 'supervisor'), pg_temp.ts(e.started), pg_temp.ts(e.ended)
  FROM (VALUES
    (2, 'boil_water', 'Boil-water notice: ', 'Precautionary notice after a positive sample at a service reservoir.',
     '2025-08-12 07:30', '2025-08-15 18:00', '2025-08-16 12:00', 'quality.notice', 9,
     'As a precaution please boil tap water before drinking or cooking until we tell you it is safe. Bottled water is available for customers on the ' || (pg_temp.w_priority_list())[1] || '.'),
    (3, 'low_pressure', 'Low pressure in hot weather: ', 'Record demand during the July heatwave.',
     '2025-07-10 14:00', '2025-07-12 20:00', '2025-07-14 09:00', 'supply.low_pressure', 22,
     'Demand is very high in the hot weather and some customers have low pressure, especially upstairs and at peak times. Please use water wisely.'),
    (4, 'discolouration', 'Discoloured water after mains work: ', 'Sediment disturbed by a valve operation.',
     '2026-03-02 06:45', '2026-03-02 18:00', '2026-03-03 10:30', 'quality.discoloured', 38,
     'Work on the mains has disturbed natural sediment. Run your cold kitchen tap for a few minutes until the water clears; it is safe but please avoid washing whites until then.')
  ) AS e(n, kind, title, descr, started, restore, ended, cat, zn, msg)
  -- (zone numbers as in the British demo; a region with fewer zones counts round them)
  JOIN seed_zone z ON z.n = 1 + (e.zn - 1) % (SELECT count(*) FROM seed_zone);

INSERT INTO critical_event_zone (event_id, zone_id)
SELECT md5('event:1')::uuid, z.zone_id FROM seed_cust c JOIN seed_zone z ON z.n = c.zn WHERE c.id = 1
UNION ALL
SELECT md5('event:' || e.n)::uuid, z.zone_id
  FROM (VALUES (2, 9), (2, 10), (3, 22), (3, 23), (3, 24), (4, 38)) e(n, zn)
  JOIN seed_zone z ON z.n = 1 + (e.zn - 1) % (SELECT count(*) FROM seed_zone)
 GROUP BY 1, 2;

-- Their customer messages from the default templates, and the revision each has so far (the
-- revision trigger is off while seeding, so seeding queues no notifications).
UPDATE critical_event e
   SET template_code = f.code, message_fields = f.fields,
       customer_message = replace(replace(replace(f.body, '{area}', f.fields ->> 'area'),
                                          '{bottled_water_point}', f.fields ->> 'bottled_water_point'),
                                  '{restore}', to_char(e.estimated_restore_at AT TIME ZONE careline_timezone(), 'HH24:MI'))
  FROM (SELECT x.id, t.code, t.body,
               jsonb_build_object('area', (SELECT string_agg(z.name, ', ') FROM critical_event_zone ez
                                            JOIN zone z ON z.id = ez.zone_id WHERE ez.event_id = x.id),
                                  'bottled_water_point', 'the ' || (pg_temp.w_water_point())[1]) AS fields
          FROM critical_event x
          JOIN critical_event_template t ON t.kind = x.kind
               AND t.stage = CASE WHEN x.status = 'active' THEN 'active' ELSE 'closed' END
               AND t.sort_order = (SELECT min(y.sort_order) FROM critical_event_template y
                                    WHERE y.kind = t.kind AND y.stage = t.stage)) f
 WHERE f.id = e.id;
SELECT critical_event_revisions_fill();

------------------------------------------------------------------------------------------
-- Complaints: about 2% of customers. Three in ten are open, and the open ones cycle through
-- six SLA situations (so even a small N shows them all), placed relative to now():
--   0 on time, 1 due within the next working day, 2 acknowledgement overdue,
--   3 first response overdue, 4 resolution overdue, 5 waiting on the customer (clock paused).
-- (Every other on-time one is brand new instead.) Of the others, one in seven is resolved
-- awaiting follow-up and the rest are closed.
CREATE TEMP TABLE seed_cat_text (code text PRIMARY KEY, weight integer, severity text, descr text[]) ON COMMIT DROP;
INSERT INTO seed_cat_text VALUES
('billing.high_bill', 12, 'medium', '{"Bill is more than double the usual amount and the customer cannot see why.","Customer says nobody lives at the property most of the week yet the bill went up."}'),
('billing.estimated_bill', 6, 'low', '{"Third estimated bill in a row although the meter is easy to reach.","Estimate far above real use; customer sent a photo of the meter."}'),
('billing.charges_dispute', 5, 'medium', '{"Disputes the sewerage charge: surface water drains to a soakaway.","Charged from the wrong date after moving in."}'),
('billing.refund', 3, 'medium', '{"Credit balance refund promised four weeks ago has not arrived.","Refund paid to a closed bank account."}'),
('billing.payment_handling', 4, 'medium', '{"Direct debit taken twice this month.","Payment made at the bank not showing on the account."}'),
('billing.payment_plan', 2, 'medium', '{"Request to lower the monthly instalments was refused without explanation."}'),
('billing.debt_recovery', 3, 'high', '{"Debt collection letter received while a payment arrangement is in place.","Customer upset by the tone of a reminder letter."}'),
('metering.reading', 4, 'low', '{"Meter not read for over a year.","Reading on the bill does not match the meter."}'),
('metering.faulty', 3, 'medium', '{"Meter dial spinning with all taps off.","Meter display blank; bills are estimated."}'),
('metering.installation', 2, 'low', '{"Applied for a meter three months ago and nobody has been in touch."}'),
('supply.interruption', 6, 'high', '{"No water for a whole day without any warning.","Supply lost three times this month."}'),
('supply.low_pressure', 4, 'medium', '{"Pressure too low to run the boiler in the mornings.","Low pressure since the works in the street."}'),
('supply.leak_public', 4, 'medium', '{"Leak in the road reported twice, still running after two weeks.","Water running down the street from a hydrant."}'),
('supply.leak_customer', 2, 'low', '{"Disagrees that the leak is on the customer side of the boundary."}'),
('quality.discoloured', 4, 'medium', '{"Brown water every morning for a week; laundry ruined.","Black particles in the water."}'),
('quality.taste_odour', 3, 'low', '{"Water tastes strongly of chlorine.","Musty smell from the cold tap."}'),
('quality.illness', 1, 'critical', '{"Family unwell after drinking tap water; asks for it to be tested."}'),
('quality.hardness', 1, 'low', '{"Limescale damaging the kettle and shower since the supply changed."}'),
('quality.notice', 1, 'high', '{"Boil-water notice lasted five days with no updates."}'),
('wastewater.flooding_internal', 2, 'critical', '{"Sewage came up through the downstairs toilet into the house."}'),
('wastewater.flooding_external', 2, 'high', '{"Garden flooded with sewage after heavy rain, again."}'),
('wastewater.blockage', 3, 'medium', '{"Shared drain blocked for a week; crew did not turn up."}'),
('wastewater.odour', 2, 'low', '{"Smell from the pumping station every evening."}'),
('works.streetworks', 3, 'low', '{"Road closed for three weeks with no work happening.","Noise from night works outside the house."}'),
('works.planned_notice', 2, 'medium', '{"Water turned off for planned work without any notice."}'),
('works.reinstatement', 1, 'low', '{"Driveway left damaged after the meter was fitted."}'),
('service.staff_conduct', 2, 'medium', '{"Agent was rude and ended the call."}'),
('service.missed_appointment', 3, 'medium', '{"Took a day off work and the engineer never came."}'),
('service.appointment_made', 1, 'low', '{"Appointment cancelled the same morning."}'),
('service.no_response', 3, 'medium', '{"Promised call-back never happened, twice."}'),
('service.priority_services', 1, 'high', '{"On the register but no bottled water delivered during the outage."}'),
('conservation.programme', 1, 'low', '{"Water-saving kit ordered but never delivered."}'),
('conservation.social_tariff', 1, 'medium', '{"Application for the social tariff lost."}'),
('conservation.efficiency', 1, 'low', '{"Home water check visit cancelled twice."}'),
('developer.new_connection', 1, 'medium', '{"New connection delayed, holding up the building completion."}'),
('developer.charges', 1, 'low', '{"Infrastructure charge higher than the quote."}'),
('other.general', 1, 'low', '{"Unhappy with the overall handling of several contacts."}');

INSERT INTO seed_words
SELECT 'complaint_pick', array_agg(code ORDER BY code, g) FROM seed_cat_text, generate_series(1, weight) g;
SELECT pg_temp.make_word_functions();

CREATE TEMP TABLE seed_complaint ON COMMIT DROP AS
SELECT s.*, CASE WHEN s.r % 10 < 3 THEN 'open' WHEN s.r % 7 = 3 THEN 'resolved' ELSE 'closed' END AS life
  FROM (SELECT row_number() OVER (ORDER BY c.id) AS r, c.id AS customer_id, cb.premise_id, z.region, c.hh
          FROM seed_cust c JOIN seed_cbase cb ON cb.customer_id = c.id JOIN seed_zone z ON z.n = c.zn
         WHERE pg_temp.h(c.id, 90) % 1000 < 20 OR c.id = 1) s;
ALTER TABLE seed_complaint ADD COLUMN scenario integer, ADD COLUMN open_rank integer;
UPDATE seed_complaint s SET scenario = o.rn % 6, open_rank = o.rn
  FROM (SELECT r, row_number() OVER (ORDER BY r) - 1 AS rn FROM seed_complaint WHERE life = 'open') o
 WHERE o.r = s.r;
ANALYZE seed_complaint;

INSERT INTO complaint (id, reference, customer_id, premise_id, category_id, root_cause_id, channel, severity, status,
                      status_reason, description, resolution_summary, contact_preference, callback_requested,
                      owner_staff_id, team, opened_at, acknowledged_at, first_response_at, resolved_at, closed_at,
                      ack_due_at, response_due_at, resolution_due_at, paused_seconds, paused_since,
                      created_by, created_at, updated_at)
SELECT md5('complaint:' || s.r)::uuid,
       'C-' || to_char(t.opened_at, 'YYYY') || '-' || lpad(s.r::text, 6, '0'),
       s.customer_id, s.premise_id, cat.id,
       CASE WHEN t.status IN ('resolved','closed') THEN rc.id END,
       (ARRAY['phone','phone','phone','phone','phone','email','email','web','walk_in','social','sms'])[1 + pg_temp.h(s.r, 92) % 11],
       ct.severity, t.status,
       CASE t.status WHEN 'waiting_customer' THEN
            (ARRAY['Waiting for the customer to send a photo of the meter','Customer to confirm a convenient visit date',
                   'Waiting for copies of bank statements'])[1 + pg_temp.h(s.r, 93) % 3] END,
       pg_temp.pick(ct.descr, s.r, 94),
       CASE WHEN t.status IN ('resolved','closed') THEN
            (ARRAY['Apologised, explained what went wrong and corrected the account.',
                   'Repair completed and confirmed with the customer; goodwill gesture offered.',
                   'Investigated: readings correct; explained the usage and offered a home water check.',
                   'Visit carried out, fault fixed, customer satisfied with the outcome.',
                   'Process gap found and reported to the team; customer''s bill re-issued.'])[1 + pg_temp.h(s.r, 95) % 5] END,
       cu.preferred_channel, pg_temp.h(s.r, 96) % 3 = 0,
       CASE WHEN t.status = 'new' AND pg_temp.h(s.r, 97) % 2 = 0 THEN NULL ELSE ag.id END,
       CASE WHEN top.code IN ('billing','metering') THEN 'Billing'
            WHEN top.code IN ('supply','quality','wastewater','works') THEN 'Operations' ELSE 'Complaints' END,
       t.opened_at, t.ack_at, t.first_at, t.resolved_at, t.closed_at,
       t.ack_due, t.resp_due, t.res_due, 0, t.paused_since,
       ag.id, t.opened_at, coalesce(t.closed_at, t.resolved_at, t.first_at, t.ack_at, t.opened_at)
  FROM seed_complaint s
  JOIN customer cu ON cu.id = s.customer_id
 CROSS JOIN LATERAL (SELECT pg_temp.pick(pg_temp.w_complaint_pick(), s.r, 91) AS code) pc
  JOIN seed_cat_text ct ON ct.code = pc.code
  JOIN complaint_category cat ON cat.code = pc.code
  JOIN complaint_category top ON top.id = cat.parent_id
 CROSS JOIN LATERAL (
    SELECT (SELECT ids FROM seed_staff WHERE group_role = 'agent')[1 + pg_temp.h(s.r, 98) % 60] AS id) ag
 CROSS JOIN LATERAL (
    SELECT pg_temp.pick(CASE top.code
              WHEN 'billing'    THEN '{process.estimation,system_it.billing,people.training,process.communication,customer_side}'::text[]
              WHEN 'metering'   THEN '{infrastructure_asset,process.estimation,third_party.contractor}'::text[]
              WHEN 'supply'     THEN '{infrastructure_asset.main_burst,weather_environment.freeze_thaw,weather_environment.heat_demand,third_party,customer_side.plumbing}'::text[]
              WHEN 'quality'    THEN '{infrastructure_asset.ageing_pipes,process,customer_side.plumbing}'::text[]
              WHEN 'wastewater' THEN '{infrastructure_asset.sewer_capacity,weather_environment,customer_side}'::text[]
              WHEN 'works'      THEN '{third_party.contractor,process.communication}'::text[]
              ELSE '{people,process.communication,people.training,system_it}'::text[] END, s.r, 99) AS code) rcc
  JOIN root_cause rc ON rc.code = rcc.code
 CROSS JOIN LATERAL (
    SELECT * FROM (
    -- open complaints, relative to now()
    SELECT 'investigating' AS status, date_trunc('minute', now()) - interval '3 days' AS opened_at,
           date_trunc('minute', now()) - interval '3 days' + interval '2 hours' AS ack_at,
           date_trunc('minute', now()) - interval '2 days' AS first_at, NULL::timestamptz AS resolved_at,
           NULL::timestamptz AS closed_at, date_trunc('minute', now()) - interval '2 days' AS ack_due,
           date_trunc('minute', now()) + interval '7 days' AS resp_due,
           date_trunc('minute', now()) + interval '14 days' AS res_due, NULL::timestamptz AS paused_since
     WHERE s.life = 'open' AND s.scenario = 0 AND s.open_rank / 6 % 2 = 0
    UNION ALL
    -- (three working days, not calendar days: over a weekend or a bank holiday three calendar
    -- days can be less than the one working day that makes a complaint "due soon")
    SELECT 'new', date_trunc('minute', now()) - interval '40 minutes', NULL, NULL, NULL, NULL,
           working_add_days(date_trunc('minute', now()), 3), date_trunc('minute', now()) + interval '10 days',
           date_trunc('minute', now()) + interval '20 days', NULL
     WHERE s.life = 'open' AND s.scenario = 0 AND s.open_rank / 6 % 2 = 1
    UNION ALL
    SELECT 'investigating', date_trunc('minute', now()) - interval '26 days', date_trunc('minute', now()) - interval '26 days' + interval '3 hours',
           date_trunc('minute', now()) - interval '20 days', NULL, NULL,
           date_trunc('minute', now()) - interval '25 days', date_trunc('minute', now()) - interval '12 days',
           date_trunc('minute', now()) + interval '3 hours' + (s.r % 4) * interval '1 hour', NULL
     WHERE s.life = 'open' AND s.scenario = 1
    UNION ALL
    SELECT 'new', date_trunc('minute', now()) - interval '4 days', NULL, NULL, NULL, NULL,
           date_trunc('minute', now()) - interval '2 days', date_trunc('minute', now()) + interval '6 days',
           date_trunc('minute', now()) + interval '20 days', NULL
     WHERE s.life = 'open' AND s.scenario = 2
    UNION ALL
    SELECT 'acknowledged', date_trunc('minute', now()) - interval '16 days', date_trunc('minute', now()) - interval '16 days' + interval '4 hours',
           NULL, NULL, NULL, date_trunc('minute', now()) - interval '15 days', date_trunc('minute', now()) - interval '2 days',
           date_trunc('minute', now()) + interval '8 days', NULL
     WHERE s.life = 'open' AND s.scenario = 3
    UNION ALL
    SELECT 'investigating', date_trunc('minute', now()) - interval '40 days', date_trunc('minute', now()) - interval '40 days' + interval '5 hours',
           date_trunc('minute', now()) - interval '31 days', NULL, NULL,
           date_trunc('minute', now()) - interval '39 days', date_trunc('minute', now()) - interval '26 days',
           date_trunc('minute', now()) - interval '3 days', NULL
     WHERE s.life = 'open' AND s.scenario = 4
    UNION ALL
    SELECT 'waiting_customer', date_trunc('minute', now()) - interval '9 days', date_trunc('minute', now()) - interval '9 days' + interval '1 hour',
           date_trunc('minute', now()) - interval '7 days', NULL, NULL,
           date_trunc('minute', now()) - interval '8 days', date_trunc('minute', now()) + interval '5 days',
           date_trunc('minute', now()) + interval '10 days', date_trunc('minute', now()) - interval '2 days'
     WHERE s.life = 'open' AND s.scenario = 5
    UNION ALL
    -- resolved in the last days, follow-up pending
    SELECT 'resolved', date_trunc('minute', now()) - interval '20 days', date_trunc('minute', now()) - interval '20 days' + interval '2 hours',
           date_trunc('minute', now()) - interval '15 days', date_trunc('minute', now()) - (1 + s.r % 5) * interval '1 day', NULL,
           date_trunc('minute', now()) - interval '19 days', date_trunc('minute', now()) - interval '6 days',
           date_trunc('minute', now()) + interval '8 days', NULL
     WHERE s.life = 'resolved'
    UNION ALL
    -- closed history on the fixed timeline; about one in eight missed the 10-day reply
    SELECT 'closed', o.opened_at, o.opened_at + (1 + pg_temp.h(s.r, 101) % 30) * interval '1 hour',
           o.opened_at + o.reply_days * interval '1 day',
           o.opened_at + (o.reply_days + pg_temp.h(s.r, 102) % 15) * interval '1 day',
           o.opened_at + (o.reply_days + pg_temp.h(s.r, 102) % 15 + 7) * interval '1 day',
           o.opened_at + interval '2 days', o.opened_at + interval '14 days', o.opened_at + interval '28 days', NULL
      FROM (SELECT ((SELECT anchor FROM seed_param) - 30 - (pg_temp.h(s.r, 100) % 670)::int + time '09:00')::timestamptz
                       + (pg_temp.h(s.r, 103) % 30000) * interval '1 second' AS opened_at,
                   CASE WHEN pg_temp.h(s.r, 104) % 100 < 12 THEN 15 + pg_temp.h(s.r, 105) % 10
                        ELSE 1 + pg_temp.h(s.r, 105) % 12 END AS reply_days) o
     WHERE s.life = 'closed'
    ) x OFFSET 0) t
 ORDER BY s.r;

SELECT setval('complaint_ref_seq', (SELECT count(*) FROM seed_complaint) + 1, false);

-- The contact that raised each complaint.
INSERT INTO interaction (id, customer_id, premise_id, channel, direction, staff_id, started_at, ended_at,
                         wrap_up_code, subject, summary, body, created_at)
SELECT md5('complaint-contact:' || c.id)::uuid, c.customer_id, c.premise_id, c.channel, 'inbound',
       CASE WHEN c.channel IN ('web','sms') THEN NULL ELSE c.created_by END,
       c.opened_at - interval '6 minutes', c.opened_at,
       CASE WHEN c.channel IN ('web','sms') THEN NULL ELSE 'complaint_logged' END,
       'complaint', 'Complaint raised: ' || cat.name, c.description, c.opened_at
  FROM complaint c JOIN complaint_category cat ON cat.id = c.category_id;
UPDATE complaint SET interaction_id = md5('complaint-contact:' || id)::uuid;

-- History: every step each complaint went through, at the time it happened.
INSERT INTO complaint_history (id, complaint_id, at, staff_id, kind, from_status, to_status, note, details)
SELECT md5('history:' || c.id || ':' || v.step)::uuid, c.id, v.at, v.staff, v.kind, v.from_s, v.to_s, v.note, v.details
  FROM complaint c
 CROSS JOIN LATERAL (VALUES
    (1, c.opened_at, c.created_by, 'created', NULL, 'new', NULL, NULL::jsonb),
    (2, CASE WHEN c.owner_staff_id IS NOT NULL THEN c.opened_at + interval '5 minutes' END, c.created_by, 'assignment',
        NULL, NULL, NULL, jsonb_build_object('to_staff_id', c.owner_staff_id, 'to_team', c.team)),
    (3, c.acknowledged_at, c.owner_staff_id, 'status', 'new', 'acknowledged', 'Acknowledged and apologised', NULL),
    (4, CASE WHEN c.status IN ('investigating','waiting_customer','resolved','closed')
             THEN c.acknowledged_at + interval '1 hour' END, c.owner_staff_id, 'status', 'acknowledged', 'investigating', NULL, NULL),
    (5, c.first_response_at, c.owner_staff_id, 'contact', NULL, NULL,
        'Called the customer with a full reply and the next steps', jsonb_build_object('channel', c.contact_preference)),
    (6, c.paused_since, c.owner_staff_id, 'status', 'investigating', 'waiting_customer', c.status_reason, NULL),
    (7, c.resolved_at - interval '1 hour', c.owner_staff_id, 'note', NULL, NULL,
        'Root cause recorded: ' || (SELECT name FROM root_cause WHERE id = c.root_cause_id), NULL),
    (8, c.resolved_at, c.owner_staff_id, 'status', 'investigating', 'resolved', c.resolution_summary, NULL),
    (9, c.closed_at, c.owner_staff_id, 'status', 'resolved', 'closed', 'Customer confirmed the fix', NULL)
 ) AS v(step, at, staff, kind, from_s, to_s, note, details)
 WHERE v.at IS NOT NULL;

-- Goodwill credits: within the agent's authority they were applied; larger ones went to a
-- supervisor (approved or rejected). A few are pending now, so the approval queue has work.
INSERT INTO goodwill_credit (id, complaint_id, customer_id, amount, reason, status, requested_by, requested_at,
                             decided_by, decided_at, decision_note)
SELECT md5('credit:' || c.id)::uuid, c.id, c.customer_id, a.amount,
       (ARRAY['Apology for the inconvenience','Missed appointment','Time without water','Poor handling of the complaint'])
           [1 + pg_temp.h(a.x, 111) % 4],
       a.status, c.owner_staff_id, a.at,
       CASE WHEN a.status IN ('approved','rejected') THEN (SELECT ids[1 + pg_temp.h(a.x, 112) % 8] FROM seed_staff WHERE group_role = 'supervisor') END,
       CASE WHEN a.status IN ('approved','rejected') THEN a.at + interval '3 hours' END,
       CASE WHEN a.status = 'rejected' THEN 'Covered by the statutory payment already made' END
  FROM complaint c
 CROSS JOIN LATERAL (SELECT ('x' || substr(c.id::text, 1, 7))::bit(28)::bigint AS x) k
 CROSS JOIN LATERAL (
    SELECT (ARRAY[10,15,20,25,25,30,40,50,50,75,100,150])[1 + pg_temp.h(k.x, 110) % 12]::numeric AS amount, k.x,
           coalesce(c.resolved_at - interval '2 hours', now() - interval '1 hour') AS at) a0
 CROSS JOIN LATERAL (
    SELECT a0.*, CASE WHEN c.status NOT IN ('resolved','closed') THEN 'pending'
                      WHEN a0.amount <= 50 THEN 'applied'
                      WHEN pg_temp.h(a0.x, 113) % 6 = 0 THEN 'rejected' ELSE 'approved' END AS status) a
 WHERE c.owner_staff_id IS NOT NULL
   AND ((c.status IN ('resolved','closed') AND pg_temp.h(a.x, 114) % 4 = 0)
        OR (c.status IN ('investigating','acknowledged') AND pg_temp.h(a.x, 114) % 3 = 0));
-- pending credits are those above the agent's limit
UPDATE goodwill_credit SET amount = amount + 60 WHERE status = 'pending' AND amount <= 50;

-- Statutory payments for first responses later than the standard: one per complaint, from
-- the most specific standard that sets the reply deadline and carries a payment, the same
-- choice (and kind) complaint_compensation_check() makes, so a later sweep adds nothing.
INSERT INTO compensation_payment (id, complaint_id, response_standard_id, kind, amount, status, created_at, paid_at)
SELECT md5('compensation:' || c.id)::uuid, c.id, st.id, 'first_response', st.compensation_amount,
       CASE WHEN c.first_response_at IS NULL THEN 'owed' ELSE 'paid' END,
       least(coalesce(c.first_response_at, now()), c.response_due_at + interval '1 day'),
       c.first_response_at + interval '10 days'
  FROM complaint c
  JOIN seed_complaint s ON md5('complaint:' || s.r)::uuid = c.id
  JOIN customer cu ON cu.id = c.customer_id
 CROSS JOIN LATERAL (
    SELECT r.id, r.compensation_amount
      FROM applicable_standards(c.category_id, s.region, cu.customer_type,
                                (c.opened_at AT TIME ZONE careline_timezone())::date) a
      JOIN response_standard r ON r.id = a.standard_id
     WHERE r.compensation_amount IS NOT NULL AND r.first_response_days IS NOT NULL
       AND compensation_scheme() <> 'none'   -- (the trigger that says so is off while seeding)
     ORDER BY a.distance, r.region IS NULL, r.customer_type IS NULL
     LIMIT 1) st
 WHERE coalesce(c.first_response_at, now()) > c.response_due_at;

-- Follow-ups: open for recently resolved complaints (some already overdue), done for closed ones.
INSERT INTO follow_up (id, complaint_id, customer_id, due_on, channel, what_to_confirm, owner_staff_id, team, status,
                       outcome, customer_confirmed, done_at, created_at)
SELECT md5('follow-up:' || c.id)::uuid, c.id, c.customer_id,
       CASE WHEN c.status = 'resolved' THEN current_date + (pg_temp.h(k.x, 120) % 5)::int - 1
            ELSE (c.resolved_at + interval '5 days')::date END,
       CASE WHEN cu.non_digital OR cu.preferred_channel IN ('phone','letter','walk_in') THEN 'phone'
            WHEN cu.preferred_channel = 'sms' THEN 'sms' ELSE 'email' END,
       CASE top.code WHEN 'billing' THEN 'Confirm the corrected bill is right and understood'
                     WHEN 'metering' THEN 'Confirm readings are now actual, not estimated'
                     WHEN 'supply' THEN 'Confirm supply and pressure have stayed normal'
                     WHEN 'quality' THEN 'Confirm the water has stayed clear and tastes normal'
                     WHEN 'wastewater' THEN 'Confirm no further flooding or smell since the clean-up'
                     ELSE 'Confirm the customer is satisfied with the outcome' END,
       c.owner_staff_id, c.team,
       CASE WHEN c.status = 'resolved' THEN 'open' ELSE 'done' END,
       CASE WHEN c.status = 'closed' THEN 'Customer confirmed all is well' END,
       CASE WHEN c.status = 'closed' THEN pg_temp.h(k.x, 121) % 10 <> 0 END,
       CASE WHEN c.status = 'closed' THEN c.closed_at END,
       c.resolved_at
  FROM complaint c
  JOIN customer cu ON cu.id = c.customer_id
  JOIN complaint_category cat ON cat.id = c.category_id
  JOIN complaint_category top ON top.id = cat.parent_id
 CROSS JOIN LATERAL (SELECT ('x' || substr(c.id::text, 1, 7))::bit(28)::bigint AS x) k
 WHERE c.status IN ('resolved','closed');

------------------------------------------------------------------------------------------
-- Programmes: the Priority Services Register follows the customer flag; social tariffs go
-- mostly to households that struggle to pay; leak allowances to customers with a leak.
INSERT INTO programme_enrolment (customer_id, programme_id, enrolled_on, status, rebate_amount)
SELECT c.id, (SELECT id FROM programme WHERE code = 'psr'), (c.created_at AT TIME ZONE careline_timezone())::date + 30, 'active', NULL::numeric
  FROM customer c WHERE c.priority_services
UNION ALL
SELECT c.id, (SELECT id FROM programme WHERE code = 'social_tariff'), pg_temp.d('2025-04-01') + (pg_temp.h(c.id, 130) % 500)::int,
       'active', NULL
  FROM seed_cust c WHERE c.hh AND ((c.pay_class > 0 AND pg_temp.h(c.id, 131) % 2 = 0) OR pg_temp.h(c.id, 131) % 100 = 7)
UNION ALL
SELECT c.id, (SELECT id FROM programme WHERE code = 'home_water_check'), pg_temp.d('2025-01-10') + (pg_temp.h(c.id, 132) % 600)::int,
       CASE WHEN pg_temp.h(c.id, 133) % 4 = 0 THEN 'pending' ELSE 'ended' END, NULL
  FROM seed_cust c WHERE c.hh AND pg_temp.h(c.id, 134) % 100 = 3
UNION ALL
SELECT DISTINCT ON (m.customer_id) m.customer_id, (SELECT id FROM programme WHERE code = 'leak_allowance'),
       pg_temp.d('2026-10-20'), 'pending', round((m.leak_m3 * 2 * 3.4)::numeric, 2)
  FROM seed_meter m WHERE m.leak_kind IS NOT NULL AND pg_temp.h(m.id, 135) % 2 = 0
UNION ALL
SELECT c.id, (SELECT id FROM programme WHERE code = 'business_efficiency'), pg_temp.d('2025-06-01') + (pg_temp.h(c.id, 136) % 400)::int,
       'active', NULL
  FROM seed_cust c WHERE NOT c.hh AND pg_temp.h(c.id, 137) % 20 = 0
ON CONFLICT DO NOTHING;

------------------------------------------------------------------------------------------
-- Recovery scripts are not made here: `careline seed` stores the shipped conf/scripts files
-- after this transaction, through the same code as `careline scripts load` (one source).
INSERT INTO kb_article (category_id, title, body, tags, updated_at)
SELECT (SELECT id FROM complaint_category WHERE code = v.cat), v.title, v.body, v.tags::text[], pg_temp.ts(v.at)
  FROM (VALUES
    ('billing.high_bill', 'Why is my bill high?', 'Check the reading on the bill against the meter, compare with the same season last year, and look for a leak: with all taps off the meter should not move.', '{billing,leak,usage}', '2026-02-10 11:00'),
    ('billing.estimated_bill', 'Estimated bills', 'We estimate when we cannot read the meter. A reading from the customer replaces the estimate and the bill is re-issued.', '{billing,meter}', '2026-01-12 09:00'),
    ('supply.leak_customer', 'Who owns which pipe', 'The company owns the pipes up to the property boundary (usually the stop tap in the pavement). The supply pipe inside the boundary belongs to the owner.', '{leak,pipes}', '2025-11-03 15:00'),
    ('supply.interruption', 'No water: first checks', 'Check for incidents in the zone, ask about neighbours, check the internal stop tap. Priority Services customers get bottled water.', '{supply,psr}', '2026-06-01 08:00'),
    ('quality.discoloured', 'Discoloured water', 'Usually iron sediment stirred up in the mains. Run the cold kitchen tap for a few minutes. Do not wash whites until it clears.', '{quality}', '2025-09-22 10:00'),
    ('quality.taste_odour', 'Chlorine taste', 'Chlorine keeps water safe. Chilling a jug of water in the fridge reduces the taste.', '{quality}', '2025-09-22 10:05'),
    ('wastewater.flooding_internal', 'Sewer flooding inside a home', 'Send a crew at once, arrange clean-up, and record it: internal flooding carries a statutory payment.', '{sewer,gss}', '2026-04-14 12:00'),
    ('conservation.social_tariff', 'Help to Pay', 'Households with a low income can get a discount. Take the application over the phone; no online form is needed.', '{social_tariff,affordability}', '2026-05-05 09:00'),
    (NULL, 'Guaranteed Standards Scheme', 'Statutory payments for missed standards (appointments, replies to complaints within 10 working days, supply interruptions, low pressure). Amounts differ in England and Wales and change over time: Careline shows the amount in force.', '{gss,compensation}', '2026-07-01 09:00'),
    (NULL, 'Priority Services Register', 'Free extra help for customers who need it: bottled water in an outage, bills in large print or braille, a password scheme, a nominee.', '{psr,vulnerability}', '2026-03-01 09:00')
  ) AS v(cat, title, body, tags, at)
 -- The Guaranteed Standards article only where the scheme applies.
 WHERE NOT ('gss' = ANY (v.tags::text[]) AND compensation_scheme() <> 'uk_gss');

-- Improvement actions: what the utility changed because of its commonest root causes, for
-- the dashboard's root-cause chart and the published feedback summary (days before the anchor).
INSERT INTO improvement_action (id, root_cause_id, what_changed, changed_on, recorded_by, recorded_at)
SELECT md5('action:' || v.n)::uuid, rc.id, v.what, (SELECT anchor FROM seed_param) - v.ago,
       (SELECT ids[1] FROM seed_staff WHERE group_role = 'supervisor'),
       ((SELECT anchor FROM seed_param) - v.ago + time '16:30')::timestamptz
  FROM (VALUES
    (1, 'process.estimation', 'Bills now wait up to five days for a smart-meter read instead of estimating at once', 3),
    (2, 'process.estimation', 'Customers with two estimated bills in a row get a meter-reading visit booked automatically', 34),
    (3, 'system_it.billing', 'Fixed the tariff table that double-charged standing charges after a move of home', 12),
    (4, 'process.communication', 'Planned-works letters now go out seven days ahead, with a text message the day before', 6),
    (5, 'infrastructure_asset.ageing_pipes', 'Flushing programme brought forward for the three zones with most discoloured-water reports', 20),
    (6, 'people.training', 'Refresher training on the complaint stages for every new agent in their first month', 50),
    (7, 'process', 'Complaint replies now follow the regulator''s two-stage timetable, with the stage named in every letter', 90)
  ) AS v(n, cause, what, ago)
  JOIN root_cause rc ON rc.code = v.cause;

------------------------------------------------------------------------------------------
-- Put back the indexes and foreign keys, the triggers, and the identity sequences.
DO $$
DECLARE
    r record;
    t text;
BEGIN
    -- keys first, then the other indexes, then the foreign keys that need the keys
    FOR r IN SELECT * FROM seed_ddl ORDER BY CASE kind WHEN 'key' THEN 1 WHEN 'index' THEN 2 ELSE 3 END, ord LOOP
        IF r.kind IN ('fk','key') THEN
            EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', r.tbl, r.name, r.def);
        ELSE
            EXECUTE r.def;
        END IF;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['customer','premise','customer_premise','meter','meter_read','bill','payment',
            'interaction','satisfaction_survey','complaint','complaint_history','goodwill_credit','follow_up',
            'critical_event','critical_event_zone','critical_event_revision','payment_arrangement','programme_enrolment',
            'compensation_payment','staff','zone','recovery_script','kb_article'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['customer','premise','meter','meter_read','bill','payment','payment_arrangement'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), coalesce((SELECT max(id) FROM %I), 0) + 1, false)',
                       'public.' || t, t);
    END LOOP;
END $$;

-- Credits and statutory payments may count in the balance too: let the function that keeps
-- the cache decide, for the few customers who have any (indexes are back, so this is quick).
SELECT count(refresh_customer_balance(customer_id))
  FROM (SELECT customer_id FROM goodwill_credit
        UNION
        SELECT k.customer_id FROM compensation_payment cp JOIN complaint k ON k.id = cp.complaint_id) x;

-- Likely duplicate customers (the triggers that keep them were off while loading).
SELECT customer_duplicates_rebuild();

ANALYZE customer;
ANALYZE premise;
ANALYZE customer_premise;
ANALYZE meter;
ANALYZE meter_read;
ANALYZE bill;
ANALYZE payment;
ANALYZE interaction;
ANALYZE satisfaction_survey;
ANALYZE complaint;
ANALYZE complaint_history;
ANALYZE staff;
ANALYZE zone;
