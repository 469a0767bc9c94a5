-- Extensions Careline relies on: pg_trgm for partial-name, address and phone search.
-- gen_random_uuid() is built into PostgreSQL 13+, so pgcrypto is not needed.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
