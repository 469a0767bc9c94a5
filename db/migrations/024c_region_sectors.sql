-- 024c_region_sectors.sql — an event's postcode sectors in any country: a sector is the beginning of a postcode ('LS6 2' of 'LS6 2AB', '104' or '10462' of '10462-1234'), and the region says how to write one.

ALTER TABLE utility_region
    ADD COLUMN sector_hint text NOT NULL DEFAULT 'outward code, space, digit (LS6 2)'
        CHECK (length(sector_hint) BETWEEN 1 AND 80 AND sector_hint !~ '[[:cntrl:]]');

-- The shipped regions again, with how each writes a sector.
DROP FUNCTION utility_region_use(text);
DROP FUNCTION utility_region_presets();
CREATE FUNCTION utility_region_presets()
RETURNS TABLE (code text, name text, country text, currency_code text, currency_symbol text,
               currency_decimals smallint, calling_code text, trunk_prefix text, international_prefix text,
               national_digits smallint, sms_pattern text, timezone text, holiday_rules text,
               compensation_scheme text, postcode_label text, sector_hint text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('gb-eng', 'England and Wales', 'GB', 'GBP', '£', 2::smallint, '44', '0', '00', 10::smallint,
            '^\+447([1-57-9]|624)', 'Europe/London', 'none', 'uk_gss', 'Postcode',
            'outward code, space, digit (LS6 2)'),
           -- Any +1 number with a valid area code and exchange can take a text.
           ('us-nyc', 'New York City', 'US', 'USD', '$', 2::smallint, '1', '1', '011', 10::smallint,
            '^\+1[2-9][0-9]{2}[2-9][0-9]{6}$', 'America/New_York', 'us_federal', 'none', 'ZIP code',
            'a ZIP code (10462) or its first three digits (104)')
$$;

-- Make the utility one of the shipped regions. Only the region row changes: dated holidays,
-- standards and zones are the administrator's to review (admin guide, "The utility's region").
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
                                timezone, holiday_rules, compensation_scheme, postcode_label, sector_hint)
    VALUES (p.code, p.name, p.country, p.currency_code, p.currency_symbol, p.currency_decimals, p.calling_code,
            p.trunk_prefix, p.international_prefix, p.national_digits, p.sms_pattern, p.timezone, p.holiday_rules,
            p.compensation_scheme, p.postcode_label, p.sector_hint)
    ON CONFLICT (only_row) DO UPDATE
       SET code = EXCLUDED.code, name = EXCLUDED.name, country = EXCLUDED.country,
           currency_code = EXCLUDED.currency_code, currency_symbol = EXCLUDED.currency_symbol,
           currency_decimals = EXCLUDED.currency_decimals, calling_code = EXCLUDED.calling_code,
           trunk_prefix = EXCLUDED.trunk_prefix, international_prefix = EXCLUDED.international_prefix,
           national_digits = EXCLUDED.national_digits, sms_pattern = EXCLUDED.sms_pattern,
           timezone = EXCLUDED.timezone, holiday_rules = EXCLUDED.holiday_rules,
           compensation_scheme = EXCLUDED.compensation_scheme, postcode_label = EXCLUDED.postcode_label,
           sector_hint = EXCLUDED.sector_hint;
END $$;
REVOKE EXECUTE ON FUNCTION utility_region_use(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION utility_region_use(text) TO careline_admin;

------------------------------------------------------------------------------------------
-- A premise is in a sector when its postcode begins with it. For a British sector ('LS6 2')
-- this is what left(postcode, -2) compared (the inward code is a digit and two letters); a
-- New York sector is a ZIP code or its first three digits, and takes the ZIP+4 codes in it.
-- Postcodes are capitals, digits, spaces and hyphens (024), all below '~': the premises
-- beginning with s are those from s up to s || '~', a range the index below reads.
CREATE INDEX premise_postcode_pattern_idx ON premise (postcode text_pattern_ops);
DROP INDEX premise_sector_idx;

CREATE FUNCTION postcode_in_sector(p_postcode text, p_sector text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_postcode ~>=~ p_sector AND p_postcode ~<~ (p_sector || '~')
$$;

-- The area's customers as in 023, with sectors by the beginning of the postcode.
CREATE OR REPLACE FUNCTION critical_event_area_customers(p_zones integer[], p_sectors text[])
RETURNS TABLE (customer_id bigint, premise_id bigint, preferred_channel text, priority_services boolean,
               vulnerable boolean, non_digital boolean)
LANGUAGE sql STABLE AS $$
    WITH prem AS (
        SELECT p.id FROM premise p WHERE p.zone_id = ANY (p_zones)
        UNION
        SELECT p.id FROM unnest(p_sectors) s JOIN premise p ON postcode_in_sector(p.postcode, s)
    )
    SELECT DISTINCT ON (c.id) c.id, cp.premise_id, c.preferred_channel, c.priority_services,
           c.vulnerable, c.non_digital
      FROM prem
      JOIN customer_premise cp ON cp.premise_id = prem.id
       AND cp.start_date <= current_date AND (cp.end_date IS NULL OR cp.end_date >= current_date)
      JOIN customer c ON c.id = cp.customer_id
     ORDER BY c.id, cp.premise_id
$$;

CREATE OR REPLACE VIEW critical_event_customer AS
SELECT cp.customer_id, cp.premise_id, e.id AS event_id
  FROM customer_premise cp
  JOIN premise p ON p.id = cp.premise_id
  JOIN critical_event e ON e.status = 'active'
   AND (EXISTS (SELECT 1 FROM critical_event_zone z WHERE z.event_id = e.id AND z.zone_id = p.zone_id)
        OR EXISTS (SELECT 1 FROM critical_event_sector s
                    WHERE s.event_id = e.id AND postcode_in_sector(p.postcode, s.sector)))
 WHERE cp.end_date IS NULL AND cp.start_date <= current_date;

------------------------------------------------------------------------------------------
-- Opening hours of one day in a region (NULLs when it is not a working day), in PL/pgSQL so
-- its statements are planned once per session: the SQL function of 004 (and 024, which added
-- the region's rules) was planned again for every day the SLA loops walk. The same answers.
CREATE OR REPLACE FUNCTION working_window(p_day date, p_region text, OUT opens time, OUT closes time)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM holiday h WHERE h.holiday_on = p_day AND (h.region = p_region OR h.region IS NULL))
       OR rule_holiday((SELECT holiday_rules FROM utility_region), p_day) IS NOT NULL THEN
        RETURN;
    END IF;
    SELECT w.opens, w.closes INTO opens, closes
      FROM working_hours w
     WHERE w.isodow = extract(isodow FROM p_day) AND (w.region = p_region OR w.region IS NULL)
     ORDER BY w.region NULLS LAST
     LIMIT 1;
END $$;

------------------------------------------------------------------------------------------
-- Which channel reaches a customer, with the region's SMS pattern as a parameter: immutable
-- again, so the fan-out of an event over a zone reads the region once rather than once per
-- customer (024's one-argument forms, kept for other callers, read it each time).
CREATE FUNCTION notify_is_mobile(p_e164 text, p_sms_pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(p_e164 ~ p_sms_pattern, false)
$$;

CREATE FUNCTION notify_channel(p_preferred text, p_phone text, p_email text, p_non_digital boolean,
                               p_sms_pattern text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_non_digital THEN 'call'
                WHEN p_preferred = 'email' AND p_email IS NOT NULL THEN 'email'
                WHEN notify_is_mobile(p_phone, p_sms_pattern) THEN 'sms'
                WHEN p_email IS NOT NULL THEN 'email'
                ELSE 'call' END
$$;

CREATE OR REPLACE FUNCTION notify_is_mobile(p_e164 text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT notify_is_mobile(p_e164, (SELECT sms_pattern FROM utility_region))
$$;

CREATE OR REPLACE FUNCTION notify_channel(p_preferred text, p_phone text, p_email text, p_non_digital boolean)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT notify_channel(p_preferred, p_phone, p_email, p_non_digital, (SELECT sms_pattern FROM utility_region))
$$;

-- 019's queueing, with the pattern read once.
CREATE OR REPLACE FUNCTION notify_queue_event(p_event uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    e critical_event;
    n integer;
    was_sent boolean;
    sms text := (SELECT sms_pattern FROM utility_region);   -- read once, not per customer
BEGIN
    SELECT * INTO e FROM critical_event WHERE id = p_event;
    IF NOT FOUND OR coalesce(btrim(e.customer_message), '') = '' THEN
        RETURN 0;
    END IF;
    IF EXISTS (SELECT 1 FROM notify_message WHERE event_id = e.id AND event_version = e.version) THEN
        RETURN 0;
    END IF;
    was_sent := EXISTS (SELECT 1 FROM notify_message WHERE event_id = e.id AND event_version < e.version);
    UPDATE notify_message SET status = 'superseded'
     WHERE event_id = e.id AND event_version < e.version AND status = 'queued';
    UPDATE notify_call SET status = 'superseded'
     WHERE event_id = e.id AND status = 'open';
    INSERT INTO notify_message (event_id, event_version, customer_id, premise_id, channel, address, subject, body,
                                priority)
    SELECT e.id, e.version, a.customer_id, a.premise_id, ch.channel,
           CASE ch.channel WHEN 'email' THEN c.email ELSE c.phone_e164 END,
           notify_subject(e, was_sent), e.customer_message,
           CASE WHEN a.priority_services OR a.vulnerable THEN 0 ELSE 1 END
      FROM (SELECT DISTINCT ON (x.customer_id) x.* FROM critical_event_affected(e.id) x
             ORDER BY x.customer_id, x.premise_id) a
      JOIN customer c ON c.id = a.customer_id
     CROSS JOIN LATERAL (SELECT notify_channel(c.preferred_channel, c.phone_e164, c.email,
                                               a.non_digital OR c.non_digital, sms) AS channel) ch
    ON CONFLICT ON CONSTRAINT notify_message_dedupe DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    INSERT INTO notify_call (message_id, event_id, customer_id, priority, reason)
    SELECT m.id, m.event_id, m.customer_id, m.priority,
           CASE WHEN c.non_digital THEN 'non_digital' ELSE 'no_address' END
      FROM notify_message m JOIN customer c ON c.id = m.customer_id
     WHERE m.event_id = e.id AND m.event_version = e.version AND m.channel = 'call'
    ON CONFLICT (message_id) DO NOTHING;
    -- Workers waiting on LISTEN start at once; call-list screens reload.
    PERFORM pg_notify('careline_notify', e.id::text);
    RETURN n;
END $$;
