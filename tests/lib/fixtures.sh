# fixtures.sh — customers whose details tests know, added beside the generated demo data: source, then fixtures_load.
fixtures_load() {
    psql -X -q -v ON_ERROR_STOP=1 -d "${1:-$PGDATABASE}" >/dev/null <<'SQL'
INSERT INTO zone (code, name, region) VALUES ('ZT1', 'Test zone', 'england');
INSERT INTO customer (id, account_no, first_name, last_name, name, segment, phone_e164,
                      priority_services, vulnerability, non_digital)
VALUES (990001, '4999999991', 'Zebedee', 'Quuxworth', 'Zebedee Quuxworth', 'residential_single',
        '+447700900461', true, '{medical_water}', false),
       (990002, '4999999992', 'Zebedee', 'Quuxworth-Smythe', 'Zebedee Quuxworth-Smythe', 'senior',
        '+442079460999', false, '{}', true),
       (990003, '4999999993', NULL, NULL, 'O''Brien & Sons Ltd', 'small_business', '+441632960777',
        false, '{}', false),
       (990004, '4999999994', 'Nasty', 'Name', E'Evil\x1b[2J\x07Name', 'residential_single', NULL,
        false, '{}', false),
       (990005, '4999999995', 'Wide', 'Name', '渡辺 Quuxworth-Żółć Ünïcödé-Long-Double-Barrelled-Surname',
        'key_account', '+447700900465', false, '{}', false);
INSERT INTO premise (id, premise_ref, address_line1, town, postcode, zone_id, premise_type)
SELECT 990000 + i, 'TEST-' || i,
       (ARRAY['7 Xylophone Lane','9 Xylophone Lane','1 Quay Row','2 Quay Row','5 Quay Row'])[i], 'Testbury',
       (ARRAY['ZZ9 9ZZ','ZZ9 9ZY','QQ1 1QQ','QQ1 1QR','QQ1 1QS'])[i], (SELECT id FROM zone WHERE code = 'ZT1'), 'house'
  FROM generate_series(1, 5) i;
INSERT INTO customer_premise (customer_id, premise_id, start_date)
SELECT 990000 + i, 990000 + i, date '2020-01-01' FROM generate_series(1, 5) i;
INSERT INTO meter (premise_id, serial, meter_type) VALUES (990001, 'QX99887766', 'smart');
SQL
}
