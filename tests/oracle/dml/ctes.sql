-- data-modifying WITH queries: the change runs, its RETURNING rows feed the query
WITH d AS (DELETE FROM ft WHERE id = 1 RETURNING *) SELECT * FROM d;
WITH u AS (UPDATE ft SET b = b + 1 WHERE id < 5 RETURNING id, b, c) SELECT id, b * 10 AS x, c FROM u ORDER BY id;
WITH i AS (INSERT INTO ft (id, a) VALUES (50, 'n'), (51, 'm') RETURNING id, a, b) SELECT count(*), string_agg(a, ',' ORDER BY a), sum(b) FROM i;
WITH d AS (DELETE FROM ft WHERE id = 99 RETURNING *) SELECT * FROM d;
WITH d AS (DELETE FROM ft WHERE id = 51) SELECT 1 AS one;
WITH d AS (DELETE FROM ft WHERE id = 50 RETURNING id) SELECT c.id, c.tier FROM cust c JOIN d ON d.id = c.id + 45;
WITH d AS (UPDATE farr SET d = d + 1 RETURNING id, d, xs, j) SELECT * FROM d ORDER BY id;
SET datestyle = 'SQL, DMY';
WITH d AS (UPDATE farr SET d = d + 1 RETURNING id, d) SELECT id, d, d + 1 AS next FROM d ORDER BY id;
RESET datestyle;
WITH d AS (DELETE FROM ft WHERE id = 2 RETURNING id), e AS (DELETE FROM cust WHERE id IN (SELECT id FROM d) RETURNING tier) SELECT * FROM e;
-- a failing query undoes the change
WITH d AS (DELETE FROM ft WHERE id = 3 RETURNING id) SELECT id / 0 FROM d;
BEGIN;
WITH d AS (DELETE FROM ft WHERE id = 4 RETURNING a) SELECT a FROM d;
ROLLBACK;
SELECT * FROM ft ORDER BY id;
SELECT * FROM cust ORDER BY id;
SELECT id, d FROM farr ORDER BY id;
