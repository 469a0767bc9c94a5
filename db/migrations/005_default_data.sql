-- Default shared policy: calendar, complaint categories, root causes, response standards (UK GSS),
-- wrap-up codes, authority limits and programmes. Admins change these rows; releases do not.

INSERT INTO app_setting (key, value, description) VALUES
    ('timezone', 'Europe/London', 'time zone of the working calendar and of SLA due times'),
    ('repeat_contact_days', '7', 'a contact on the same subject within this many days counts as a repeat');

-- Office hours Monday to Friday; a region may get its own rows.
INSERT INTO working_hours (region, isodow, opens, closes)
SELECT NULL, d, time '08:00', time '18:00' FROM generate_series(1, 5) d;

-- Bank holidays. England and Wales share theirs; Scotland has its own set.
INSERT INTO holiday (holiday_on, region, name)
SELECT d::date, r, n
  FROM (VALUES
    ('2024-01-01','New Year''s Day'), ('2024-03-29','Good Friday'), ('2024-05-06','Early May bank holiday'),
    ('2024-05-27','Spring bank holiday'), ('2024-12-25','Christmas Day'), ('2024-12-26','Boxing Day'),
    ('2025-01-01','New Year''s Day'), ('2025-04-18','Good Friday'), ('2025-05-05','Early May bank holiday'),
    ('2025-05-26','Spring bank holiday'), ('2025-12-25','Christmas Day'), ('2025-12-26','Boxing Day'),
    ('2026-01-01','New Year''s Day'), ('2026-04-03','Good Friday'), ('2026-05-04','Early May bank holiday'),
    ('2026-05-25','Spring bank holiday'), ('2026-12-25','Christmas Day'), ('2026-12-28','Boxing Day (substitute day)'),
    ('2027-01-01','New Year''s Day'), ('2027-03-26','Good Friday'), ('2027-05-03','Early May bank holiday'),
    ('2027-05-31','Spring bank holiday'), ('2027-12-27','Christmas Day (substitute day)'),
    ('2027-12-28','Boxing Day (substitute day)')) AS h(d, n)
 CROSS JOIN (VALUES (NULL::text)) AS x(r);

INSERT INTO holiday (holiday_on, region, name)
SELECT d::date, r, n
  FROM (VALUES
    ('2024-04-01','Easter Monday'), ('2024-08-26','Summer bank holiday'),
    ('2025-04-21','Easter Monday'), ('2025-08-25','Summer bank holiday'),
    ('2026-04-06','Easter Monday'), ('2026-08-31','Summer bank holiday'),
    ('2027-03-29','Easter Monday'), ('2027-08-30','Summer bank holiday')) AS h(d, n)
 CROSS JOIN (VALUES ('england'), ('wales')) AS x(r)
UNION ALL
SELECT d::date, 'scotland', n
  FROM (VALUES
    ('2024-01-02','2nd January'), ('2024-08-05','Summer bank holiday'), ('2024-12-02','St Andrew''s Day (substitute day)'),
    ('2025-01-02','2nd January'), ('2025-08-04','Summer bank holiday'), ('2025-12-01','St Andrew''s Day (substitute day)'),
    ('2026-01-02','2nd January'), ('2026-08-03','Summer bank holiday'), ('2026-11-30','St Andrew''s Day'),
    ('2027-01-04','2nd January (substitute day)'), ('2027-08-02','Summer bank holiday'),
    ('2027-11-30','St Andrew''s Day')) AS h(d, n);

-- Category tree: top level after CCW (water supply, sewerage, billing and charges, metering,
-- other), refined with what customers actually report.
INSERT INTO complaint_category (code, name, sort_order, description) VALUES
    ('billing',      'Billing and charges',                   10, 'About half of all written complaints'),
    ('metering',     'Metering',                              20, NULL),
    ('supply',       'Water supply',                          30, NULL),
    ('quality',      'Water quality',                         40, 'Taste, odour, appearance and illness'),
    ('wastewater',   'Wastewater and sewerage',               50, NULL),
    ('works',        'Works and streetworks disruption',      60, NULL),
    ('service',      'Customer service and staff conduct',    70, NULL),
    ('conservation', 'Conservation and programmes',           80, NULL),
    ('developer',    'Developer services and new connections', 90, NULL),
    ('other',        'Other',                                 99, NULL);

INSERT INTO complaint_category (parent_id, code, name, sort_order, description)
SELECT p.id, c.code, c.name, c.sort_order, c.description
  FROM (VALUES
    ('billing', 'billing.high_bill',        'High bill',                          1, 'Bill higher than expected'),
    ('billing', 'billing.estimated_bill',   'Estimated bill',                     2, 'Bill based on an estimated reading'),
    ('billing', 'billing.charges_dispute',  'Charges dispute',                    3, 'Tariff, standing charge or liability disputed'),
    ('billing', 'billing.refund',           'Refunds',                            4, 'Refund late, missing or wrong'),
    ('billing', 'billing.payment_handling', 'Payment handling',                   5, 'Payment missing, misapplied or taken twice'),
    ('billing', 'billing.payment_plan',     'Payment plan change refused',        6, 'Request to change a payment plan turned down'),
    ('billing', 'billing.debt_recovery',    'Debt recovery',                      7, 'Reminders, collection agents, debt process'),
    ('metering', 'metering.reading',        'Meter reading',                      1, 'Missed, wrong or estimated reads'),
    ('metering', 'metering.faulty',         'Faulty meter',                       2, 'Meter stopped, broken, leaking or inaccurate'),
    ('metering', 'metering.installation',   'Meter installation',                 3, 'Optional meter not fitted, fitting problems'),
    ('supply', 'supply.interruption',       'No water / supply interruption',     1, 'Unplanned loss of supply'),
    ('supply', 'supply.low_pressure',       'Low pressure',                       2, 'Pressure below the reference level'),
    ('supply', 'supply.leak_public',        'Leak on public pipe',                3, 'Leak or burst on the company''s mains or hydrants'),
    ('supply', 'supply.leak_customer',      'Leak on customer side',              4, 'Leak on the customer''s supply pipe or plumbing'),
    ('quality', 'quality.discoloured',      'Discoloured water',                  1, 'Brown, yellow, black, cloudy or milky water, particles'),
    ('quality', 'quality.taste_odour',      'Taste or odour',                     2, 'Chlorine, chemical, metallic, musty, sewer-like'),
    ('quality', 'quality.illness',          'Illness concern',                    3, 'Customer believes the water made them ill'),
    ('quality', 'quality.hardness',         'Hardness',                           4, 'Scale, hardness, softeners'),
    ('quality', 'quality.notice',           'Boil-water or do-not-drink notice',  5, 'Notices and their duration'),
    ('wastewater', 'wastewater.flooding_internal', 'Sewer flooding inside property', 1, NULL),
    ('wastewater', 'wastewater.flooding_external', 'Sewer flooding outside property', 2, 'Gardens, drives, roads'),
    ('wastewater', 'wastewater.blockage',   'Sewer blockage',                     3, NULL),
    ('wastewater', 'wastewater.odour',      'Sewer odour',                        4, NULL),
    ('works', 'works.streetworks',          'Streetworks disruption',             1, 'Traffic, noise, access during works'),
    ('works', 'works.planned_notice',       'Planned interruption notice',        2, 'Too little or no notice of planned works'),
    ('works', 'works.reinstatement',        'Reinstatement and damage',           3, 'Damage to property, poor reinstatement'),
    ('service', 'service.staff_conduct',    'Staff conduct',                      1, NULL),
    ('service', 'service.missed_appointment','Missed appointment',                2, 'Appointment not kept'),
    ('service', 'service.appointment_made', 'Appointment not made properly',      3, 'No morning/afternoon slot offered or short-notice cancellation'),
    ('service', 'service.no_response',      'Contact not returned',               4, 'Promised call-back or reply did not happen'),
    ('service', 'service.priority_services','Priority services support',          5, 'Register support failed, or not added within 30 days'),
    ('conservation', 'conservation.programme',   'Programme or rebate',           1, NULL),
    ('conservation', 'conservation.social_tariff','Social tariff',                2, NULL),
    ('conservation', 'conservation.efficiency',  'Water efficiency advice or visit', 3, NULL),
    ('developer', 'developer.new_connection',    'New connection',                1, NULL),
    ('developer', 'developer.charges',           'Developer charges',             2, NULL),
    ('other', 'other.general',              'Other complaint',                    1, NULL)
  ) AS c(parent, code, name, sort_order, description)
  JOIN complaint_category p ON p.code = c.parent;

INSERT INTO root_cause (code, name, sort_order, description) VALUES
    ('process',              'Process',                  1, 'A procedure was wrong, missing or not followed'),
    ('system_it',            'System / IT',              2, 'Billing, CRM, telemetry or other system fault'),
    ('people',               'People',                   3, 'Error, knowledge gap or conduct of staff'),
    ('infrastructure_asset', 'Infrastructure / asset',   4, 'Mains, treatment works, pumping stations, sewers, meters'),
    ('third_party',          'Third party',              5, 'Contractor, other utility, developer'),
    ('weather_environment',  'Weather / environment',    6, 'Freeze-thaw, heat and drought, storms, flooding'),
    ('customer_side',        'Customer side',            7, 'Customer''s own pipes, plumbing or information');

INSERT INTO root_cause (parent_id, code, name, sort_order)
SELECT p.id, c.code, c.name, c.sort_order
  FROM (VALUES
    ('process', 'process.estimation',           'Estimated reading policy', 1),
    ('process', 'process.communication',        'Communication not sent or unclear', 2),
    ('system_it', 'system_it.billing',          'Billing system error', 1),
    ('people', 'people.training',               'Training or knowledge gap', 1),
    ('infrastructure_asset', 'infrastructure_asset.main_burst', 'Burst main', 1),
    ('infrastructure_asset', 'infrastructure_asset.ageing_pipes', 'Ageing pipes (iron, sediment)', 2),
    ('infrastructure_asset', 'infrastructure_asset.sewer_capacity', 'Sewer capacity or blockage', 3),
    ('third_party', 'third_party.contractor',   'Contractor', 1),
    ('weather_environment', 'weather_environment.freeze_thaw', 'Freeze-thaw', 1),
    ('weather_environment', 'weather_environment.heat_demand', 'Hot weather demand', 2),
    ('customer_side', 'customer_side.plumbing', 'Internal plumbing or supply pipe', 1)
  ) AS c(parent, code, name, sort_order)
  JOIN root_cause p ON p.code = c.parent;

-- Response standards. Rows without compensation are the company's own service levels (ack,
-- resolution targets); rows with a gss_code are statutory Guaranteed Standards payments.
-- Amounts: England before 2 July 2025 and Wales use the older minimums; England from
-- 2 July 2025 (SI 2025/662) the new ones; England's new standards of 1 October 2025 are
-- listed with the amount left to configure (NULL) where the reference gives none.
INSERT INTO response_standard (category_id, region, customer_type, effective_from, effective_to,
    ack_hours, first_response_days, resolution_days, compensation_amount, compensation_late_extra,
    compensation_per_period, gss_code, description)
SELECT (SELECT id FROM complaint_category WHERE code = s.cat), s.region, s.ctype, s.f::date, s.t::date,
       s.ack, s.resp, s.res, s.amt, s.late, s.per, s.gss, s.descr
  FROM (VALUES
    -- Company service levels (every region).
    (NULL, NULL, NULL, '2000-01-01', NULL, 16, 10, 20, NULL, NULL, NULL, NULL,
     'Service level: acknowledge within 2 working days, substantive reply within 10, resolve within 20 (two-stage process)'),
    ('supply.interruption', NULL, NULL, '2000-01-01', NULL, 1, 1, 2, NULL, NULL, NULL, NULL,
     'Service level: supply problems are acknowledged within the hour and worked the same day'),
    ('supply.low_pressure', NULL, NULL, '2000-01-01', NULL, 4, 5, 10, NULL, NULL, NULL, NULL,
     'Service level: low pressure investigated within 5 working days'),
    ('supply.leak_public', NULL, NULL, '2000-01-01', NULL, 4, 2, 10, NULL, NULL, NULL, NULL,
     'Service level: public leaks assessed within 2 working days'),
    ('quality', NULL, NULL, '2000-01-01', NULL, 4, 2, 10, NULL, NULL, NULL, NULL,
     'Service level: water quality contacts get a sample or visit within 2 working days'),
    ('quality.illness', NULL, NULL, '2000-01-01', NULL, 2, 1, 5, NULL, NULL, NULL, NULL,
     'Service level: illness concerns are escalated to water quality scientists at once'),
    ('wastewater.flooding_internal', NULL, NULL, '2000-01-01', NULL, 2, 1, 5, NULL, NULL, NULL, NULL,
     'Service level: internal flooding attended the same day'),
    ('wastewater.flooding_external', NULL, NULL, '2000-01-01', NULL, 4, 2, 10, NULL, NULL, NULL, NULL,
     'Service level: external flooding attended within 2 working days'),

    -- GSS: written complaints and account queries, substantive reply in 10 working days.
    (NULL, 'wales', NULL, '2000-01-01', NULL, NULL, 10, NULL, 20, 10, NULL, 'GSS-COMPLAINT',
     'Complaint or account query not answered within 10 working days'),
    (NULL, 'england', NULL, '2000-01-01', '2025-07-02', NULL, 10, NULL, 20, 10, NULL, 'GSS-COMPLAINT',
     'Complaint or account query not answered within 10 working days'),
    (NULL, 'england', NULL, '2025-07-02', NULL, NULL, 10, NULL, 40, 40, NULL, 'GSS-COMPLAINT',
     'Complaint or billing query not answered within 10 working days (written from 1 Apr 2025, every channel from 1 Oct 2025)'),
    -- GSS: refused request to change a payment plan, reply within 5 working days.
    ('billing.payment_plan', 'wales', NULL, '2000-01-01', NULL, NULL, 5, NULL, 20, 10, NULL, 'GSS-PAYMENT-PLAN',
     'Refused payment plan change not explained within 5 working days'),
    ('billing.payment_plan', 'england', NULL, '2000-01-01', '2025-07-02', NULL, 5, NULL, 20, 10, NULL, 'GSS-PAYMENT-PLAN',
     'Refused payment plan change not explained within 5 working days'),
    ('billing.payment_plan', 'england', NULL, '2025-07-02', NULL, NULL, 5, NULL, 40, 40, NULL, 'GSS-PAYMENT-PLAN',
     'Refused payment plan change not explained within 5 working days'),
    -- GSS: appointments.
    ('service.appointment_made', 'wales', NULL, '2000-01-01', NULL, NULL, NULL, NULL, 20, NULL, NULL, 'GSS-APPOINTMENT-MADE',
     'Appointment not made properly (morning/afternoon slot, 24 hours'' notice of cancellation)'),
    ('service.appointment_made', 'england', NULL, '2000-01-01', '2025-07-02', NULL, NULL, NULL, 20, NULL, NULL, 'GSS-APPOINTMENT-MADE',
     'Appointment not made properly'),
    ('service.appointment_made', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 40, 40, NULL, 'GSS-APPOINTMENT-MADE',
     'Appointment not made properly'),
    ('service.missed_appointment', 'wales', NULL, '2000-01-01', NULL, NULL, NULL, NULL, 20, NULL, NULL, 'GSS-APPOINTMENT-KEPT',
     'Appointment not kept'),
    ('service.missed_appointment', 'england', NULL, '2000-01-01', '2025-07-02', NULL, NULL, NULL, 20, NULL, NULL, 'GSS-APPOINTMENT-KEPT',
     'Appointment not kept'),
    ('service.missed_appointment', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 50, 40, NULL, 'GSS-APPOINTMENT-KEPT',
     'Appointment not kept'),
    -- GSS: supply not restored within 12 hours (48 for a strategic or trunk main).
    ('supply.interruption', 'wales', 'household', '2000-01-01', NULL, NULL, NULL, NULL, 20, NULL, 10, 'GSS-SUPPLY-RESTORE',
     'Supply not restored within 12 hours: 20, then 10 for each further 24 hours'),
    ('supply.interruption', 'wales', 'business', '2000-01-01', NULL, NULL, NULL, NULL, 50, NULL, 25, 'GSS-SUPPLY-RESTORE',
     'Supply not restored within 12 hours: 50, then 25 for each further 24 hours'),
    ('supply.interruption', 'england', 'household', '2000-01-01', '2025-07-02', NULL, NULL, NULL, 20, NULL, 10, 'GSS-SUPPLY-RESTORE',
     'Supply not restored within 12 hours: 20, then 10 for each further 24 hours'),
    ('supply.interruption', 'england', 'business', '2000-01-01', '2025-07-02', NULL, NULL, NULL, 50, NULL, 25, 'GSS-SUPPLY-RESTORE',
     'Supply not restored within 12 hours: 50, then 25 for each further 24 hours'),
    ('supply.interruption', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 50, 40, 50, 'GSS-SUPPLY-RESTORE',
     'Supply not restored within 12 hours: 50, then 50 for each further period'),
    -- GSS: low pressure (7 m head, twice for more than an hour within 28 days).
    ('supply.low_pressure', 'wales', NULL, '2000-01-01', NULL, NULL, NULL, NULL, 25, NULL, NULL, 'GSS-LOW-PRESSURE',
     'Pressure below 7 m head twice for over an hour within 28 days'),
    ('supply.low_pressure', 'england', NULL, '2000-01-01', '2025-07-02', NULL, NULL, NULL, 25, NULL, NULL, 'GSS-LOW-PRESSURE',
     'Pressure below 7 m head twice for over an hour within 28 days'),
    ('supply.low_pressure', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 50, 40, NULL, 'GSS-LOW-PRESSURE',
     'Low pressure: 50 per occurrence, up to 5 a year, or 250 a year for ongoing low pressure'),
    -- GSS: notice of planned interruptions over 4 hours (48 hours' notice).
    ('works.planned_notice', 'wales', 'household', '2000-01-01', NULL, NULL, NULL, NULL, 20, NULL, NULL, 'GSS-PLANNED-NOTICE',
     'Less than 48 hours'' notice of a planned interruption over 4 hours'),
    ('works.planned_notice', 'wales', 'business', '2000-01-01', NULL, NULL, NULL, NULL, 50, NULL, NULL, 'GSS-PLANNED-NOTICE',
     'Less than 48 hours'' notice of a planned interruption over 4 hours'),
    ('works.planned_notice', 'england', 'household', '2000-01-01', '2025-07-02', NULL, NULL, NULL, 20, NULL, NULL, 'GSS-PLANNED-NOTICE',
     'Less than 48 hours'' notice of a planned interruption over 4 hours'),
    ('works.planned_notice', 'england', 'business', '2000-01-01', '2025-07-02', NULL, NULL, NULL, 50, NULL, NULL, 'GSS-PLANNED-NOTICE',
     'Less than 48 hours'' notice of a planned interruption over 4 hours'),
    ('works.planned_notice', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 50, 40, NULL, 'GSS-PLANNED-NOTICE',
     'Less than 48 hours'' notice of a planned interruption over 4 hours'),
    -- GSS: sewer flooding (England from 2 July 2025: up to 2,000).
    ('wastewater.flooding_internal', 'england', NULL, '2025-07-02', NULL, NULL, NULL, NULL, 2000, NULL, NULL, 'GSS-SEWER-FLOODING',
     'Internal sewer flooding: up to 2,000'),
    -- England, new standards from 1 October 2025 (amounts to be configured).
    ('quality.notice', 'england', NULL, '2025-10-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'GSS-NOTICE-48H',
     'Boil-water, do-not-drink or do-not-use notice lasting 48 hours or more'),
    ('metering.reading', 'england', NULL, '2025-10-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'GSS-METER-READ-13M',
     'Meter not read within 13 months'),
    ('metering.installation', 'england', NULL, '2025-10-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'GSS-OPTIONAL-METER-8W',
     'Optional meter not fitted within 8 weeks'),
    ('billing.debt_recovery', 'england', NULL, '2025-10-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'GSS-DEBT-PROCESS',
     'Debt recovery process not followed'),
    ('service.priority_services', 'england', NULL, '2025-10-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'GSS-PSR',
     'Priority Services Register support failed during an incident, or customer not added within 30 days')
  ) AS s(cat, region, ctype, f, t, ack, resp, res, amt, late, per, gss, descr);

INSERT INTO wrap_up_code (code, label, sort_order) VALUES
    ('resolved_first_contact', 'Resolved at first contact',   1),
    ('info_given',             'Information given',           2),
    ('callback_arranged',      'Call-back arranged',          3),
    ('complaint_logged',       'Complaint logged',            4),
    ('complaint_updated',      'Complaint updated',           5),
    ('field_visit_booked',     'Field visit booked',          6),
    ('payment_taken',          'Payment taken',               7),
    ('arrangement_set',        'Payment arrangement set up',  8),
    ('meter_read_taken',       'Meter reading taken',         9),
    ('account_updated',        'Account details updated',    10),
    ('event_informed',         'Told about an incident',     11),
    ('transferred',            'Transferred',                12),
    ('escalated',              'Escalated to supervisor',    13),
    ('no_answer',              'No answer',                  14),
    ('voicemail_left',         'Voicemail left',             15),
    ('abandoned',              'Caller hung up',             16);

-- Authority to credit without approval (GBP). Field staff give small gestures on the doorstep.
INSERT INTO authority_limit (group_role, per_credit, per_day) VALUES
    ('agent', 50, 200), ('field', 25, 100), ('supervisor', 500, 2500), ('admin', 500, 2500);

INSERT INTO programme (code, name, kind, description) VALUES
    ('psr',            'Priority Services Register',  'priority_services', 'Extra help: bottled water deliveries, alternative formats, passwords'),
    ('social_tariff',  'Help to Pay social tariff',   'social_tariff',     'Discounted bills for low-income households'),
    ('watersure',      'WaterSure capped bill',       'social_tariff',     'Capped metered bill for large families or medical need'),
    ('home_water_check','Home water efficiency check','conservation',      'Free visit: fix leaking toilets, fit water-saving devices'),
    ('leak_allowance', 'Customer-side leak allowance','rebate',            'One-off rebate once a supply-pipe leak is repaired'),
    ('business_efficiency','Business water efficiency audit','conservation','Site audit for business customers'),
    ('rainwater_rebate','Rainwater harvesting rebate', 'rebate',           'Surface-water drainage rebate');
