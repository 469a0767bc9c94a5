# event_fixture.sh — two zones, seven premises and nine customers whose links to premises and flags the event tests know: source, then event_fixture_load AGENT SUPERVISOR.
event_fixture_load() {
# Two zones; premises in LS6 2.., LS6 3.., LS62 1.. (a sector that must not match LS6 2).
# Customers: 1 household PSR in zone A / LS6 2; 2 vulnerable non-digital in zone A;
# 3 business in zone B / LS6 2; 4 in zone B / LS6 3; 5 in zone B / LS62 1 (a lookalike);
# 6 moved out of the zone A premise last year; 7 has two premises in zone A (listed once);
# 8 moves in next month (not yet linked); 9 an occupier beside billing customer 1.
psql -X -q -v ON_ERROR_STOP=1 -d "$TEST_DB" >/dev/null <<SQL
INSERT INTO zone (code, name, region) VALUES ('ZA', 'Alpha', 'england'), ('ZB', 'Beta', 'wales');
INSERT INTO customer (id, account_no, name, segment, preferred_channel, priority_services, vulnerability, non_digital) VALUES
  (1, '0000000001', 'One', 'residential_single', 'sms', true, '{}', false),
  (2, '0000000002', 'Two', 'senior', 'letter', false, '{medical_water,sight}', true),
  (3, '0000000003', 'Three Ltd', 'small_business', 'email', false, '{}', false),
  (4, '0000000004', 'Four', 'residential_single', 'phone', false, '{}', false),
  (5, '0000000005', 'Five', 'residential_single', 'sms', false, '{}', false),
  (6, '0000000006', 'Six', 'residential_single', 'sms', false, '{}', false),
  (7, '0000000007', 'Seven', 'residential_multi', 'email', false, '{hearing}', false),
  (8, '0000000008', 'Eight', 'residential_single', 'sms', false, '{}', false),
  (9, '0000000009', 'Nine', 'residential_single', 'web', false, '{}', false);
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type) VALUES
  (11, 'P11', '1 A St', 'Leeds', 'LS6 2AB', (SELECT id FROM zone WHERE code = 'ZA'), 'house'),
  (12, 'P12', '2 A St', 'Leeds', 'LS7 1AA', (SELECT id FROM zone WHERE code = 'ZA'), 'flat'),
  (13, 'P13', '3 B St', 'Leeds', 'LS6 2ZZ', (SELECT id FROM zone WHERE code = 'ZB'), 'shop'),
  (14, 'P14', '4 B St', 'Leeds', 'LS6 3AB', (SELECT id FROM zone WHERE code = 'ZB'), 'house'),
  (15, 'P15', '5 B St', 'Leeds', 'LS62 1AB', (SELECT id FROM zone WHERE code = 'ZB'), 'house'),
  (16, 'P16', '6 A St', 'Leeds', 'LS7 1AB', (SELECT id FROM zone WHERE code = 'ZA'), 'house'),
  (17, 'P17', '7 A St', 'Leeds', 'LS7 1AD', (SELECT id FROM zone WHERE code = 'ZA'), 'house');
INSERT INTO customer_premise (customer_id, premise_id, role, start_date, end_date) VALUES
  (1, 11, 'billing', '2020-01-01', NULL), (9, 11, 'occupier', '2021-01-01', NULL),
  (2, 12, 'billing', '2019-05-01', NULL), (3, 13, 'billing', '2018-01-01', NULL),
  (4, 14, 'billing', '2018-01-01', NULL), (5, 15, 'billing', '2018-01-01', NULL),
  (6, 16, 'billing', '2015-01-01', current_date - 365),
  (7, 16, 'billing', current_date - 364, NULL), (7, 17, 'billing', '2017-01-01', NULL),
  (8, 12, 'occupier', current_date + 30, NULL);
INSERT INTO staff (login_role, display_name, group_role) VALUES ('$1', 'Ann Agent', 'agent'), ('$2', 'Sam Super', 'supervisor');
SQL


}
