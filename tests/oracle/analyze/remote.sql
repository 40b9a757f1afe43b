-- The remote database of tests/test_analyze.py (autovacuum off: statistics exist only where
-- this script makes them).
SET client_min_messages = warning;
-- analyzed by the remote itself: fdwsh takes its pg_stats
CREATE TABLE analyzed (id int, tier int, name text) WITH (autovacuum_enabled = false);
INSERT INTO analyzed SELECT i, CASE WHEN i % 10 < 7 THEN 1 WHEN i % 10 < 9 THEN 2 ELSE 3 END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'n' || (i % 100) END FROM generate_series(1, 40000) i;
ANALYZE analyzed;
-- never analyzed, reltuples unknown: read whole
CREATE TABLE fresh (id int, day date, amount numeric(10,2)) WITH (autovacuum_enabled = false);
INSERT INTO fresh SELECT i, date '2024-01-01' + i % 366, (i % 1000) / 10.0
    FROM generate_series(1, 35000) i;
-- vacuumed, not analyzed: reltuples known, no pg_stats, so ANALYZE samples remotely
CREATE TABLE vacuumed (id int, grp int) WITH (autovacuum_enabled = false);
INSERT INTO vacuumed SELECT i, i % 50 FROM generate_series(1, 100000) i;
VACUUM vacuumed;
CREATE TABLE empty (a int) WITH (autovacuum_enabled = false);
CREATE SCHEMA "Odd S";
CREATE TABLE "Odd S"."T 1" ("C 1" int, c2 text) WITH (autovacuum_enabled = false);
INSERT INTO "Odd S"."T 1" SELECT i, 'v' || i FROM generate_series(1, 100) i;
-- for the plan tests: a big table whose remote estimate of "x < 10" is far off (no
-- statistics remotely), and a small one
CREATE TABLE big (id int, x int, pad text) WITH (autovacuum_enabled = false);
INSERT INTO big SELECT i, i, repeat('p', 20) FROM generate_series(1, 50000) i;
CREATE TABLE small (id int, big_id int) WITH (autovacuum_enabled = false);
INSERT INTO small SELECT i, i * 7 FROM generate_series(1, 3000) i;
CREATE TABLE mid (id int, small_id int) WITH (autovacuum_enabled = false);
INSERT INTO mid SELECT i, i % 3000 + 1 FROM generate_series(1, 20000) i;
CREATE TABLE nullable (id int, small_id int) WITH (autovacuum_enabled = false);
INSERT INTO nullable SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE i % 40 END
    FROM generate_series(1, 400) i;
-- a role that may read only the id column of "analyzed"
DO $$BEGIN CREATE ROLE analyst LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$;
GRANT SELECT (id) ON analyzed TO analyst;
