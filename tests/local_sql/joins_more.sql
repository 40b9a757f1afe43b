-- Joins over CTEs, grouped and DISTINCT ON joins, larger hash joins, more cross-type keys.
WITH t AS (SELECT 1 AS x) SELECT t.x FROM t AS u;
WITH t AS (SELECT 1 AS x) SELECT t.* FROM t AS u;
WITH t AS (SELECT 1 AS x UNION ALL SELECT 2), s AS (SELECT 2 AS x, 'two' AS n) SELECT * FROM t LEFT JOIN s USING (x) ORDER BY x;
WITH t AS (SELECT 1 AS x UNION ALL SELECT 2) SELECT * FROM t a JOIN t b ON a.x < b.x;
WITH t AS (SELECT 1 AS x) SELECT * FROM t JOIN t ON true;
WITH t AS (SELECT 1 AS x UNION ALL SELECT 2) SELECT a.x, count(*) FROM t a JOIN t b ON a.x >= b.x GROUP BY a.x ORDER BY 1;
SELECT x, count(*) FROM (VALUES (1), (2)) a(x) JOIN (VALUES (1), (1), (2)) b(x) USING (x) GROUP BY x ORDER BY x;
SELECT DISTINCT ON (x) x, z FROM (VALUES (1), (2)) a(x) JOIN (VALUES (1, 'a'), (1, 'b'), (2, 'c')) b(x, z) USING (x) ORDER BY x, z DESC;
SELECT count(*), sum(a) FROM generate_series(1, 20000) a JOIN generate_series(1, 20000, 2) b ON a = b;
SELECT count(*) FROM generate_series(1, 20000) a LEFT JOIN generate_series(1, 20000, 3) b ON a = b WHERE b IS NULL;
SELECT count(*), count(a), count(b) FROM generate_series(1, 3000) a FULL JOIN generate_series(1.0, 3000, 3) b ON a = b AND a % 2 = 0;
SELECT count(*) FROM generate_series(1, 300) a JOIN generate_series(1, 300) b ON a < b;
SELECT * FROM (VALUES ('a'::name), ('b')) a(x) JOIN (VALUES ('a'::text), ('c')) b(y) ON x = y;
SELECT * FROM (VALUES ('a'::text), ('b')) a(x) JOIN (VALUES ('a'::name), ('c')) b(y) ON x = y;
SELECT * FROM (VALUES ('2024-01-01 00:00'::timestamp)) a(t) JOIN (VALUES ('2024-01-01 00:00+00'::timestamptz)) b(u) ON t = u;
SELECT * FROM (VALUES ('{"a": 1}'::jsonb), ('[1]')) a(j) FULL JOIN (VALUES ('{"a": 1.0}'::jsonb), ('[2]')) b(k) ON j = k ORDER BY 1, 2;
SELECT * FROM (VALUES (true), (false), (NULL)) a(p) LEFT JOIN (VALUES (true), (NULL)) b(q) ON p = q ORDER BY 1, 2;
