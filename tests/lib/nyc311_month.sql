-- nyc311_month.sql — a month of NYC 311 requests in the portal's 41 columns, written from the database's own premises (CSV on stdout): `make demo REGION=us-nyc` loads one, tests/bench/import311.sh times one.
--
-- psql -v rows=N -v dep_in_100=P -v closed=K -v open_days=D -v start=T -v step=S -f nyc311_month.sql
--   rows        how many requests
--   dep_in_100  how many in 100 are DEP's water and sewer requests (the rest
--               are other agencies' — heat, noise, rats — which the import skips)
--   closed      every K-th request is closed by the city (0: none)
--   open_days   and every one created more than D days ago (0: no such rule)
--   start       the month's first minute (a timestamptz); it lasts 43,000 minutes
--   step        request g is created at minute (g * step) mod 43,000: 1 fills
--               the month in order, a prime (7919) scatters the requests over it
-- The same database and variables give the same file. Of DEP's requests 85 in
-- 100 are at the address of a premise with a house number, written as the
-- city writes it (upper case, AVE, ST), 10 at an intersection and 5 at an
-- address no premise has: those 15 wait on the unmatched requests screen.
COPY (
WITH p AS (SELECT row_number() OVER (ORDER BY p.id) AS n, upper(p.address_line1) AS addr, p.postcode,
                  upper(regexp_replace(z.name, '^The ', '')) AS borough
             FROM premise p JOIN zone z ON z.id = p.zone_id
            WHERE p.address_line1 ~ '^[0-9]'),
     np AS (SELECT count(*) AS c FROM p),
     other(i, agency, type, descr) AS (VALUES (0, 'NYPD', 'Noise - Residential', 'Loud Music/Party'),
        (1, 'HPD', 'HEAT/HOT WATER', 'ENTIRE BUILDING'), (2, 'DSNY', 'Missed Collection', 'Trash'),
        (3, 'DOT', 'Street Condition', 'Pothole'), (4, 'DPR', 'Damaged Tree', 'Branch or Limb Has Fallen Down'),
        (5, 'DOB', 'General Construction/Plumbing', 'Illegal Conversion'), (6, 'DOHMH', 'Rodent', 'Rat Sighting')),
     dep(i, type, descr) AS (VALUES (0, 'Water System', 'No Water (WNW)'), (1, 'Water System', 'Low Water Pressure - WLWP'),
        (2, 'Water System', 'Leak (Use Comments) (WA2)'), (3, 'Water System', 'Hydrant Running (WC3)'),
        (4, 'Water Quality', 'Cloudy Or Milky Water (QB1)'), (5, 'Sewer', 'Sewer Backup (Use Comments) (SA)'),
        (6, 'Sewer', 'Catch Basin Clogged/Flooding (Use Comments) (SC)'), (7, 'Water Conservation', 'Illegal Use Of A Hydrant (CIN)')),
     -- The city's status of a request it has not closed, and what it wrote on closing one.
     open_status(i, status) AS (VALUES (0, 'Open'), (1, 'Assigned'), (2, 'In Progress')),
     closing(i, text) AS (VALUES (0, 'The Department of Environmental Protection inspected the condition and repaired it.'),
        (1, 'The Department of Environmental Protection investigated this complaint and found no violation at the time of inspection.'),
        (2, 'The Department of Environmental Protection determined that this complaint is a duplicate of a previously filed complaint.'))
SELECT 50000000 + g AS "Unique Key",
       to_char(k.created, 'MM/DD/YYYY HH12:MI:SS AM') AS "Created Date",
       CASE WHEN k.closed THEN to_char(least(k.created + interval '10 hours', now()), 'MM/DD/YYYY HH12:MI:SS AM') END AS "Closed Date",
       CASE WHEN k.is_dep THEN 'DEP' ELSE o.agency END AS "Agency", '' AS "Agency Name",
       CASE WHEN k.is_dep THEN d.type ELSE o.type END AS "Complaint Type",
       CASE WHEN k.is_dep THEN d.descr ELSE o.descr END AS "Descriptor", '' AS "Location Type",
       CASE WHEN k.where_ = 'corner' THEN '' ELSE p.postcode END AS "Incident Zip",
       CASE k.where_ WHEN 'premise' THEN replace(replace(p.addr, ' AVENUE', CASE WHEN g % 2 = 0 THEN ' AVE' ELSE ' AVENUE' END), ' STREET', ' ST')
                     WHEN 'nowhere' THEN '9999 NOWHERE STREET' ELSE '' END AS "Incident Address",
       '' AS "Street Name", '' AS "Cross Street 1", '' AS "Cross Street 2",
       CASE WHEN k.where_ = 'corner' THEN 'BROADWAY' ELSE '' END AS "Intersection Street 1",
       CASE WHEN k.where_ = 'corner' THEN 'WEST 34 STREET' ELSE '' END AS "Intersection Street 2",
       CASE WHEN k.where_ = 'corner' THEN 'INTERSECTION' ELSE 'ADDRESS' END AS "Address Type",
       'NEW YORK' AS "City", '' AS "Landmark", '' AS "Facility Type",
       CASE WHEN k.closed THEN 'Closed' ELSE s.status END AS "Status", '' AS "Due Date",
       CASE WHEN k.closed THEN r.text ELSE '' END AS "Resolution Description",
       '' AS "Resolution Action Updated Date", '' AS "Community Board", '' AS "BBL",
       CASE WHEN k.where_ = 'corner' THEN 'MANHATTAN' ELSE p.borough END AS "Borough",
       '' AS "X Coordinate (State Plane)", '' AS "Y Coordinate (State Plane)", 'PHONE' AS "Open Data Channel Type",
       '' AS "Park Facility Name", '' AS "Park Borough", '' AS "Vehicle Type", '' AS "Taxi Company Borough",
       '' AS "Taxi Pick Up Location", '' AS "Bridge Highway Name", '' AS "Bridge Highway Direction", '' AS "Road Ramp",
       '' AS "Bridge Highway Segment", '40.75' AS "Latitude", '-73.99' AS "Longitude", '' AS "Location"
  FROM generate_series(1, :rows) g
 CROSS JOIN np
 CROSS JOIN LATERAL (SELECT g % 100 < :dep_in_100 AS is_dep,
                            CASE WHEN g % 20 = 1 THEN 'corner' WHEN g % 20 = 2 THEN 'nowhere' ELSE 'premise' END AS where_,
                            :'start'::timestamptz + ((g::bigint * :step) % 43000) * interval '1 minute' AS created) k0
 CROSS JOIN LATERAL (SELECT k0.*, (:closed > 0 AND g % :closed = 0)
                                  OR (:open_days > 0 AND k0.created < now() - :open_days * interval '1 day') AS closed) k
  JOIN p ON p.n = 1 + (g * 7919) % np.c
  JOIN other o ON o.i = g % 7
  JOIN dep d ON d.i = g % 8
  JOIN open_status s ON s.i = (g / 7) % 3
  JOIN closing r ON r.i = g % 3
 ORDER BY g
) TO STDOUT WITH (FORMAT csv, HEADER);
