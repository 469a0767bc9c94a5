-- 024_region.sql — the utility's region as one row (country, currency, phone plan, time zone, holiday rules, compensation scheme); the UK-only CHECKs become shape checks the region's patterns refine.
--
-- Formats stay where careline.conf keeps them (PCRE2, per country: patterns.US = {...}), so the
-- database checks only what holds in every country: a postcode is upper-case letters and digits
-- with single spaces or hyphens inside, a phone number is E.164, a zone's region is a code.
-- The terminal checks the region's formats before anything is written; imports do the same.

CREATE TABLE utility_region (
    only_row             boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    code                 text NOT NULL CHECK (code ~ '^[a-z]{2}(-[a-z0-9]{2,8})?$'),  -- 'gb-eng', 'us-nyc'
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    country              text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),                -- ISO 3166-1 alpha-2
    currency_code        text NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),          -- ISO 4217
    currency_symbol      text NOT NULL CHECK (length(currency_symbol) BETWEEN 1 AND 4
                                              AND currency_symbol !~ '[[:cntrl:][:space:]]'),
    -- Amounts are stored in hundredths (numeric(12,2)); a currency shows 0, 1 or 2 of them.
    currency_decimals    smallint NOT NULL DEFAULT 2 CHECK (currency_decimals BETWEEN 0 AND 2),
    calling_code         text NOT NULL CHECK (calling_code ~ '^[1-9][0-9]{0,2}$'),   -- E.164 country code
    trunk_prefix         text NOT NULL DEFAULT '' CHECK (trunk_prefix ~ '^[0-9]{0,2}$'),   -- '0' UK, '1' NANP
    international_prefix text NOT NULL CHECK (international_prefix ~ '^[0-9]{2,4}$'), -- '00' UK, '011' NANP
    national_digits      smallint NOT NULL CHECK (national_digits BETWEEN 4 AND 14),  -- a whole national number
    -- Who can receive a text message (POSIX regex on E.164): UK mobiles are +447 bar pagers.
    sms_pattern          text NOT NULL CHECK (length(sms_pattern) BETWEEN 2 AND 200),
    timezone             text NOT NULL,
    -- Holidays computed by rule for any year, on top of the dated rows of the holiday table.
    holiday_rules        text NOT NULL DEFAULT 'none' CHECK (holiday_rules IN ('none', 'us_federal')),
    -- uk_gss: the Guaranteed Standards Scheme and the utility's own payments; own: only the
    -- utility's own (standards without a gss_code); none: no payment is ever owed.
    compensation_scheme  text NOT NULL DEFAULT 'none' CHECK (compensation_scheme IN ('uk_gss', 'none', 'own')),
    version              integer NOT NULL DEFAULT 1,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE utility_region IS 'The utility''s region: one row, read once per session by every terminal';

-- A time zone or a pattern the server cannot use is refused when written, not when a deadline
-- is next computed.
CREATE FUNCTION utility_region_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        PERFORM now() AT TIME ZONE NEW.timezone;
    EXCEPTION WHEN invalid_parameter_value THEN
        RAISE EXCEPTION 'time zone "%" is not known to the database server', NEW.timezone
            USING ERRCODE = 'check_violation';
    END;
    BEGIN
        PERFORM '' ~ NEW.sms_pattern;
    EXCEPTION WHEN invalid_regular_expression THEN
        RAISE EXCEPTION 'sms_pattern "%" is not a regular expression', NEW.sms_pattern
            USING ERRCODE = 'check_violation';
    END;
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER utility_region_check BEFORE INSERT OR UPDATE ON utility_region
    FOR EACH ROW EXECUTE FUNCTION utility_region_check();
CREATE TRIGGER audit_change AFTER INSERT OR UPDATE OR DELETE ON utility_region
    FOR EACH ROW EXECUTE FUNCTION audit_change();

-- Today's installations are British: the row says so, with the zone they already set.
INSERT INTO utility_region (code, name, country, currency_code, currency_symbol, currency_decimals,
                            calling_code, trunk_prefix, international_prefix, national_digits, sms_pattern,
                            timezone, holiday_rules, compensation_scheme)
VALUES ('gb-eng', 'England and Wales', 'GB', 'GBP', '£', 2, '44', '0', '00', 10, '^\+447([1-57-9]|624)',
        coalesce((SELECT value FROM app_setting WHERE key = 'timezone'), 'Europe/London'), 'none', 'uk_gss');
-- The time zone now lives in the region row only.
DELETE FROM app_setting WHERE key = 'timezone';

GRANT SELECT ON utility_region TO careline_agent, careline_field, careline_supervisor, careline_admin,
    careline_notifier;
GRANT UPDATE ON utility_region TO careline_admin;

CREATE OR REPLACE FUNCTION careline_timezone() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT timezone FROM utility_region), 'Europe/London')
$$;

------------------------------------------------------------------------------------------
-- Shapes that hold in every country.
ALTER TABLE premise DROP CONSTRAINT premise_postcode_check;
ALTER TABLE premise ADD CONSTRAINT premise_postcode_check
    CHECK (length(postcode) BETWEEN 2 AND 10 AND postcode ~ '^[A-Z0-9]+([ -][A-Z0-9]+)*$');
ALTER TABLE zone DROP CONSTRAINT zone_region_check;
ALTER TABLE zone ADD CONSTRAINT zone_region_check CHECK (region ~ '^[a-z][a-z0-9_]{1,39}$');
ALTER TABLE critical_event_sector DROP CONSTRAINT critical_event_sector_sector_check;
ALTER TABLE critical_event_sector ADD CONSTRAINT critical_event_sector_sector_check
    CHECK (length(sector) BETWEEN 1 AND 10 AND sector ~ '^[A-Z0-9]+([ -][A-Z0-9]+)*$');

------------------------------------------------------------------------------------------
-- The national significant number of an E.164 number: the digits after its country code.
-- Country codes are prefix-free (ITU-T E.164): 1 and 7 are one digit; 20, 27, 30-34, 36, 39,
-- 40, 41, 43-49, 51-58, 60-66, 81, 82, 84, 86, 90-95 and 98 are two; the rest are three.
-- Whatever the utility's country, a number from anywhere gets the same NSN, and search
-- (which strips the same prefixes from what the agent types) finds it.
CREATE FUNCTION phone_nsn(p_e164 text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_e164 IS NULL THEN NULL
                WHEN p_e164 ~ '^\+[17]' THEN substr(p_e164, 3)
                WHEN p_e164 ~ '^\+(2[07]|3[0-469]|4[013-9]|5[1-8]|6[0-6]|8[1246]|9[0-58])' THEN substr(p_e164, 4)
                ELSE substr(p_e164, 5) END
$$;

-- phone_nsn was '+44'-only. A generated column's expression cannot change in place: it is
-- made again, with its indexes and the column grants 023 gave (every group but the details).
DO $$
DECLARE
    g text;
    grantees text[];
BEGIN
    SELECT coalesce(array_agg(DISTINCT CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END), '{}')
      INTO grantees
      FROM pg_attribute t, aclexplode(t.attacl) a
     WHERE t.attrelid = 'customer'::regclass AND t.attname = 'phone_nsn' AND a.privilege_type = 'SELECT';
    ALTER TABLE customer DROP COLUMN phone_nsn;
    ALTER TABLE customer ADD COLUMN phone_nsn text GENERATED ALWAYS AS (phone_nsn(phone_e164)) STORED;
    FOREACH g IN ARRAY grantees LOOP
        IF g = 'public' THEN
            EXECUTE 'GRANT SELECT (phone_nsn) ON customer TO PUBLIC';
        ELSE
            EXECUTE format('GRANT SELECT (phone_nsn) ON customer TO %I', g);
        END IF;
    END LOOP;
END $$;
CREATE INDEX customer_phone_nsn_idx ON customer (phone_nsn text_pattern_ops);
CREATE INDEX customer_phone_nsn_trgm_idx ON customer USING gin (phone_nsn gin_trgm_ops);

------------------------------------------------------------------------------------------
-- Holidays. US federal holidays (5 U.S.C. 6103) for any year: a date that falls on a Saturday
-- is observed on the Friday before, on a Sunday the Monday after (New Year's Day on a Saturday
-- is observed on 31 December). NULL when p_day is not one.
CREATE FUNCTION us_federal_holiday(p_day date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH d AS (SELECT extract(year FROM p_day)::int AS y, extract(month FROM p_day)::int AS m,
                      extract(day FROM p_day)::int AS dd, extract(isodow FROM p_day)::int AS dow),
    -- The fixed-date holiday on day x, if any.
    fixed(x, name) AS (
        SELECT x, CASE to_char(x, 'MM-DD')
                      WHEN '01-01' THEN 'New Year''s Day'
                      WHEN '06-19' THEN CASE WHEN x >= date '2021-06-17' THEN 'Juneteenth National Independence Day' END
                      WHEN '07-04' THEN 'Independence Day'
                      WHEN '11-11' THEN 'Veterans Day'
                      WHEN '12-25' THEN 'Christmas Day' END
          FROM unnest(ARRAY[p_day, p_day + 1, p_day - 1]) x
    )
    SELECT CASE
        WHEN d.dow BETWEEN 1 AND 5 AND (SELECT name FROM fixed WHERE x = p_day) IS NOT NULL
            THEN (SELECT name FROM fixed WHERE x = p_day)
        WHEN d.dow = 5 AND (SELECT name FROM fixed WHERE x = p_day + 1) IS NOT NULL
            THEN (SELECT name FROM fixed WHERE x = p_day + 1) || ' (observed)'
        WHEN d.dow = 1 AND (SELECT name FROM fixed WHERE x = p_day - 1) IS NOT NULL
            THEN (SELECT name FROM fixed WHERE x = p_day - 1) || ' (observed)'
        WHEN d.dow = 1 AND d.m = 1 AND (d.dd - 1) / 7 = 2 AND d.y >= 1986 THEN 'Birthday of Martin Luther King, Jr.'
        WHEN d.dow = 1 AND d.m = 2 AND (d.dd - 1) / 7 = 2 THEN 'Washington''s Birthday'
        WHEN d.dow = 1 AND d.m = 5 AND d.dd > 24 THEN 'Memorial Day'
        WHEN d.dow = 1 AND d.m = 9 AND d.dd <= 7 THEN 'Labor Day'
        WHEN d.dow = 1 AND d.m = 10 AND (d.dd - 1) / 7 = 1 THEN 'Columbus Day'
        WHEN d.dow = 4 AND d.m = 11 AND (d.dd - 1) / 7 = 3 THEN 'Thanksgiving Day'
        END
      FROM d
$$;

-- The holiday the region's rules make of p_day (NULL: none).
CREATE FUNCTION region_rule_holiday(p_day date) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE (SELECT holiday_rules FROM utility_region)
               WHEN 'us_federal' THEN us_federal_holiday(p_day) END
$$;

-- Every holiday between two days (inclusive) for a region: the dated rows of the holiday table
-- (of that region and of every region) and the region's rules. What the C calendar loads.
CREATE FUNCTION careline_holidays(p_from date, p_to date, p_region text DEFAULT NULL)
RETURNS TABLE (holiday_on date, name text) LANGUAGE sql STABLE AS $$
    SELECT h.holiday_on, min(h.name)
      FROM (SELECT holiday_on, name FROM holiday
             WHERE holiday_on BETWEEN p_from AND p_to AND (region = p_region OR region IS NULL)
            UNION ALL
            SELECT g::date, region_rule_holiday(g::date)
              FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g
             WHERE (SELECT holiday_rules FROM utility_region) <> 'none'
               AND region_rule_holiday(g::date) IS NOT NULL) h
     GROUP BY h.holiday_on
     ORDER BY h.holiday_on
$$;

CREATE OR REPLACE FUNCTION working_window(p_day date, p_region text, OUT opens time, OUT closes time)
LANGUAGE sql STABLE AS $$
    SELECT w.opens, w.closes
      FROM working_hours w
     WHERE w.isodow = extract(isodow FROM p_day)
       AND (w.region = p_region OR w.region IS NULL)
       AND NOT EXISTS (SELECT 1 FROM holiday h
                        WHERE h.holiday_on = p_day AND (h.region = p_region OR h.region IS NULL))
       AND region_rule_holiday(p_day) IS NULL
     ORDER BY w.region NULLS LAST
     LIMIT 1
$$;

------------------------------------------------------------------------------------------
-- Compensation. The scheme decides which standards pay: the UK Guaranteed Standards (rows with
-- a gss_code) apply only under uk_gss; under none no payment row is ever made.
CREATE FUNCTION compensation_scheme() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT compensation_scheme FROM utility_region), 'none')
$$;

CREATE OR REPLACE FUNCTION applicable_standards(p_category integer, p_region text, p_customer_type text, p_on date)
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
       AND (s.gss_code IS NULL OR compensation_scheme() = 'uk_gss')
$$;

-- Under the scheme 'none' a payment is never recorded, whichever rule tried to make it.
CREATE FUNCTION compensation_payment_scheme() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF compensation_scheme() = 'none' THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER compensation_payment_scheme BEFORE INSERT ON compensation_payment
    FOR EACH ROW EXECUTE FUNCTION compensation_payment_scheme();

------------------------------------------------------------------------------------------
-- Who can receive a text message: the region's pattern.
CREATE OR REPLACE FUNCTION notify_is_mobile(p_e164 text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(p_e164 ~ (SELECT sms_pattern FROM utility_region), false)
$$;

-- It reads the region now, so it is no longer immutable; nor is the channel built on it.
CREATE OR REPLACE FUNCTION notify_channel(p_preferred text, p_phone text, p_email text, p_non_digital boolean)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_non_digital THEN 'call'
                WHEN p_preferred = 'email' AND p_email IS NOT NULL THEN 'email'
                WHEN notify_is_mobile(p_phone) THEN 'sms'
                WHEN p_email IS NOT NULL THEN 'email'
                ELSE 'call' END
$$;
