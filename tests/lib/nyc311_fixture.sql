-- nyc311_fixture.sql — a small New York utility for the 311 import tests: the region, three boroughs, premises at known addresses and who holds them (psql -f into a migrated database).
SELECT utility_region_use('us-nyc');
INSERT INTO zone (code, name, region) VALUES ('TMN', 'Manhattan', 'nyc'), ('TBK', 'Brooklyn', 'nyc'), ('TQN', 'Queens', 'nyc');

INSERT INTO customer (id, account_no, name, segment, phone_e164) VALUES
    (9900001, '9000000001', 'Empire Realty Corp', 'commercial', '+12125550101'),
    (9900002, '9000000002', 'Maria Gonzalez', 'residential_single', '+12125550102'),
    (9900003, '9000000003', 'Ravi Patel', 'residential_single', '+17185550103'),
    (9900004, '9000000004', 'Tom Walsh', 'residential_multi', '+17185550104'),
    (9900005, '9000000005', 'Ana Silva', 'residential_multi', '+17185550105'),
    (9900006, '9000000006', 'Old Owner LLC', 'commercial', '+12125550106'),
    (9900007, '9000000007', 'New Owner LLC', 'commercial', '+12125550107'),
    (9900008, '9000000008', 'Lucy Chen', 'residential_single', '+12125550108');

INSERT INTO premise (id, premise_ref, address_line1, address_line2, town, postcode, zone_id, premise_type) VALUES
    (9900101, 'NY-101', '350 5th Avenue', NULL, 'New York', '10118', (SELECT id FROM zone WHERE code = 'TMN'), 'office'),
    (9900102, 'NY-102', '123 West 45th Street', NULL, 'New York', '10036', (SELECT id FROM zone WHERE code = 'TMN'), 'house'),
    (9900103, 'NY-103', '123-45 97th Avenue', NULL, 'Jamaica', '11419', (SELECT id FROM zone WHERE code = 'TQN'), 'house'),
    (9900104, 'NY-104', '200 Clinton Street', 'Apt 1', 'Brooklyn', '11201', (SELECT id FROM zone WHERE code = 'TBK'), 'flat'),
    (9900105, 'NY-105', '200 Clinton Street', 'Apt 2', 'Brooklyn', '11201', (SELECT id FROM zone WHERE code = 'TBK'), 'flat'),
    (9900106, 'NY-106', '1 Centre Street', NULL, 'New York', '10007', (SELECT id FROM zone WHERE code = 'TMN'), 'office'),
    (9900107, 'NY-107', '99 Nowhere Street', NULL, 'New York', '10001', (SELECT id FROM zone WHERE code = 'TMN'), 'house'),
    (9900108, 'NY-108', '45 Bleecker Street', NULL, 'New York', '10012', (SELECT id FROM zone WHERE code = 'TMN'), 'house');

INSERT INTO customer_premise (customer_id, premise_id, role, start_date, end_date) VALUES
    (9900001, 9900101, 'billing', '2010-01-01', NULL),
    (9900002, 9900102, 'billing', '2015-06-01', NULL),
    (9900003, 9900103, 'billing', '2012-03-01', NULL),
    (9900004, 9900104, 'billing', '2018-01-01', NULL),
    (9900005, 9900105, 'billing', '2019-01-01', NULL),
    (9900006, 9900106, 'billing', '2000-01-01', '2023-12-31'),
    (9900007, 9900106, 'billing', '2024-01-01', NULL),
    (9900008, 9900108, 'billing', '2016-01-01', NULL);
