-- nyc311_fixture.sql — a small New York utility for the 311 import tests: the region, three boroughs, premises at known addresses and who holds them (psql -f into a migrated database).
UPDATE utility_region SET code = 'us-nyc', name = 'New York City', country = 'US', currency_code = 'USD',
       currency_symbol = '$', calling_code = '1', trunk_prefix = '1', international_prefix = '011',
       national_digits = 10, sms_pattern = '^\+1', timezone = 'America/New_York', holiday_rules = 'us_federal',
       compensation_scheme = 'none';
INSERT INTO zone (code, name, region) OVERRIDING SYSTEM VALUE
VALUES ('MN', 'Manhattan', 'nyc'), ('BK', 'Brooklyn', 'nyc'), ('QN', 'Queens', 'nyc');

INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES
    (9001, '9000000001', 'Empire Realty Corp', 'commercial', '+12125550101'),
    (9002, '9000000002', 'Maria Gonzalez', 'residential_single', '+12125550102'),
    (9003, '9000000003', 'Ravi Patel', 'residential_single', '+17185550103'),
    (9004, '9000000004', 'Tom Walsh', 'residential_multi', '+17185550104'),
    (9005, '9000000005', 'Ana Silva', 'residential_multi', '+17185550105'),
    (9006, '9000000006', 'Old Owner LLC', 'commercial', '+12125550106'),
    (9007, '9000000007', 'New Owner LLC', 'commercial', '+12125550107'),
    (9008, '9000000008', 'Lucy Chen', 'residential_single', '+12125550108');

INSERT INTO premise (id, premise_ref, address_line1, address_line2, town, postcode, zone_id, premise_type) VALUES
    (9101, 'NY-9101', '350 5th Avenue', NULL, 'New York', '10118', (SELECT id FROM zone WHERE code = 'MN'), 'office'),
    (9102, 'NY-9102', '123 West 45th Street', NULL, 'New York', '10036', (SELECT id FROM zone WHERE code = 'MN'), 'house'),
    (9103, 'NY-9103', '123-45 97th Avenue', NULL, 'Jamaica', '11419', (SELECT id FROM zone WHERE code = 'QN'), 'house'),
    (9104, 'NY-9104', 'Apt 1, 200 Clinton Street', NULL, 'Brooklyn', '11201', (SELECT id FROM zone WHERE code = 'BK'), 'flat'),
    (9105, 'NY-9105', 'Apt 2, 200 Clinton Street', NULL, 'Brooklyn', '11201', (SELECT id FROM zone WHERE code = 'BK'), 'flat'),
    (9106, 'NY-9106', '1 Centre Street', NULL, 'New York', '10007', (SELECT id FROM zone WHERE code = 'MN'), 'office'),
    (9107, 'NY-9107', '99 Nowhere Street', NULL, 'New York', '10001', (SELECT id FROM zone WHERE code = 'MN'), 'house'),
    (9108, 'NY-9108', '45 Bleecker Street', NULL, 'New York', '10012', (SELECT id FROM zone WHERE code = 'MN'), 'house');

INSERT INTO customer_premise (customer_id, premise_id, role, start_date, end_date) VALUES
    (9001, 9101, 'billing', '2010-01-01', NULL),
    (9002, 9102, 'billing', '2015-06-01', NULL),
    (9003, 9103, 'billing', '2012-03-01', NULL),
    (9004, 9104, 'billing', '2018-01-01', NULL),
    (9005, 9105, 'billing', '2019-01-01', NULL),
    (9006, 9106, 'billing', '2000-01-01', '2023-12-31'),
    (9007, 9106, 'billing', '2024-01-01', NULL),
    (9008, 9108, 'billing', '2016-01-01', NULL);
