-- 024b_region_presets.sql — what the screens call a postcode in the region ('ZIP code'), and the shipped regions an administrator (or `careline seed --region`) can choose by code.

ALTER TABLE utility_region
    ADD COLUMN postcode_label text NOT NULL DEFAULT 'Postcode'
        CHECK (length(postcode_label) BETWEEN 1 AND 12 AND postcode_label !~ '[[:cntrl:]]');

-- The shipped regions, one row each, in the columns of utility_region.
CREATE FUNCTION utility_region_presets()
RETURNS TABLE (code text, name text, country text, currency_code text, currency_symbol text,
               currency_decimals smallint, calling_code text, trunk_prefix text, international_prefix text,
               national_digits smallint, sms_pattern text, timezone text, holiday_rules text,
               compensation_scheme text, postcode_label text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('gb-eng', 'England and Wales', 'GB', 'GBP', '£', 2::smallint, '44', '0', '00', 10::smallint,
            '^\+447([1-57-9]|624)', 'Europe/London', 'none', 'uk_gss', 'Postcode'),
           -- Any +1 number with a valid area code and exchange can take a text.
           ('us-nyc', 'New York City', 'US', 'USD', '$', 2::smallint, '1', '1', '011', 10::smallint,
            '^\+1[2-9][0-9]{2}[2-9][0-9]{6}$', 'America/New_York', 'us_federal', 'none', 'ZIP code')
$$;

-- Make the utility one of the shipped regions. Only the region row changes: dated holidays,
-- standards and zones are the administrator's to review (admin guide, "The region").
CREATE FUNCTION utility_region_use(p_code text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    p record;
BEGIN
    SELECT * INTO p FROM utility_region_presets() r WHERE r.code = p_code;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no shipped region "%" (there are: %)', p_code,
            (SELECT string_agg(r.code, ', ' ORDER BY r.code) FROM utility_region_presets() r)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO utility_region (code, name, country, currency_code, currency_symbol, currency_decimals,
                                calling_code, trunk_prefix, international_prefix, national_digits, sms_pattern,
                                timezone, holiday_rules, compensation_scheme, postcode_label)
    VALUES (p.code, p.name, p.country, p.currency_code, p.currency_symbol, p.currency_decimals, p.calling_code,
            p.trunk_prefix, p.international_prefix, p.national_digits, p.sms_pattern, p.timezone, p.holiday_rules,
            p.compensation_scheme, p.postcode_label)
    ON CONFLICT (only_row) DO UPDATE
       SET code = EXCLUDED.code, name = EXCLUDED.name, country = EXCLUDED.country,
           currency_code = EXCLUDED.currency_code, currency_symbol = EXCLUDED.currency_symbol,
           currency_decimals = EXCLUDED.currency_decimals, calling_code = EXCLUDED.calling_code,
           trunk_prefix = EXCLUDED.trunk_prefix, international_prefix = EXCLUDED.international_prefix,
           national_digits = EXCLUDED.national_digits, sms_pattern = EXCLUDED.sms_pattern,
           timezone = EXCLUDED.timezone, holiday_rules = EXCLUDED.holiday_rules,
           compensation_scheme = EXCLUDED.compensation_scheme, postcode_label = EXCLUDED.postcode_label;
END $$;
REVOKE EXECUTE ON FUNCTION utility_region_use(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION utility_region_use(text) TO careline_admin;
-- A database whose row was removed gets one back the same way.
GRANT INSERT ON utility_region TO careline_admin;

------------------------------------------------------------------------------------------
-- Holidays by rule, fast enough to list ten years either side for the C calendar: plain
-- arithmetic on the date that the planner inlines (024's first version evaluated a query per
-- day). The same holidays as 024's: a date on a Saturday is observed on the Friday before, on
-- a Sunday the Monday after.
CREATE FUNCTION us_fixed_holiday(p_day date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE extract(month FROM p_day)::int * 100 + extract(day FROM p_day)::int
               WHEN 101 THEN 'New Year''s Day'
               WHEN 619 THEN CASE WHEN p_day >= date '2021-06-17' THEN 'Juneteenth National Independence Day' END
               WHEN 704 THEN 'Independence Day'
               WHEN 1111 THEN 'Veterans Day'
               WHEN 1225 THEN 'Christmas Day' END
$$;

CREATE OR REPLACE FUNCTION us_federal_holiday(p_day date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN extract(isodow FROM p_day) BETWEEN 1 AND 5 AND us_fixed_holiday(p_day) IS NOT NULL
            THEN us_fixed_holiday(p_day)
        WHEN extract(isodow FROM p_day) = 5 AND us_fixed_holiday(p_day + 1) IS NOT NULL
            THEN us_fixed_holiday(p_day + 1) || ' (observed)'
        WHEN extract(isodow FROM p_day) = 1 AND us_fixed_holiday(p_day - 1) IS NOT NULL
            THEN us_fixed_holiday(p_day - 1) || ' (observed)'
        WHEN extract(isodow FROM p_day) = 1 THEN
            CASE extract(month FROM p_day)::int
                WHEN 1 THEN CASE WHEN (extract(day FROM p_day)::int - 1) / 7 = 2 AND p_day >= date '1986-01-01'
                                 THEN 'Birthday of Martin Luther King, Jr.' END
                WHEN 2 THEN CASE WHEN (extract(day FROM p_day)::int - 1) / 7 = 2 THEN 'Washington''s Birthday' END
                WHEN 5 THEN CASE WHEN extract(day FROM p_day) > 24 THEN 'Memorial Day' END
                WHEN 9 THEN CASE WHEN extract(day FROM p_day) <= 7 THEN 'Labor Day' END
                WHEN 10 THEN CASE WHEN (extract(day FROM p_day)::int - 1) / 7 = 1 THEN 'Columbus Day' END
            END
        WHEN extract(isodow FROM p_day) = 4 AND extract(month FROM p_day) = 11
             AND (extract(day FROM p_day)::int - 1) / 7 = 3 THEN 'Thanksgiving Day'
        END
$$;

-- The holiday a set of rules makes of a day: the one place a rule's name meets its function.
CREATE FUNCTION rule_holiday(p_rules text, p_day date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p_rules WHEN 'us_federal' THEN us_federal_holiday(p_day) END
$$;

CREATE OR REPLACE FUNCTION region_rule_holiday(p_day date) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT rule_holiday((SELECT holiday_rules FROM utility_region), p_day)
$$;

CREATE OR REPLACE FUNCTION careline_holidays(p_from date, p_to date, p_region text DEFAULT NULL)
RETURNS TABLE (holiday_on date, name text) LANGUAGE sql STABLE AS $$
    SELECT h.holiday_on, min(h.name)
      FROM (SELECT holiday_on, name FROM holiday
             WHERE holiday_on BETWEEN p_from AND p_to AND (region = p_region OR region IS NULL)
            UNION ALL
            SELECT d.day, d.name
              FROM utility_region r
             CROSS JOIN LATERAL (SELECT g::date AS day, rule_holiday(r.holiday_rules, g::date) AS name
                                   FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') g) d
             WHERE r.holiday_rules <> 'none' AND d.name IS NOT NULL) h
     GROUP BY h.holiday_on
     ORDER BY h.holiday_on
$$;
