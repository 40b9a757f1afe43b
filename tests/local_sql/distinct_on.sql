-- SELECT DISTINCT ON
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY a, b;
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY a, b DESC;
SELECT DISTINCT ON (a) a, b FROM (VALUES (2, 'x'), (1, 'y'), (2, 'z'), (1, 'w')) v(a, b) ORDER BY a DESC, b;
SELECT DISTINCT ON (a) b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY a, b DESC;
SELECT DISTINCT ON (a) a, b FROM (VALUES (3, 1), (1, 2), (3, 0)) v(a, b);
SELECT DISTINCT ON (a, b) a, b, c FROM (VALUES (1, 1, 'p'), (1, 1, 'q'), (1, 2, 'r'), (2, 1, 's')) v(a, b, c) ORDER BY a, b, c DESC;
SELECT DISTINCT ON (b, a) a, b, c FROM (VALUES (1, 1, 'p'), (1, 1, 'q'), (1, 2, 'r'), (2, 1, 's')) v(a, b, c) ORDER BY a, b, c;
SELECT DISTINCT ON (a, b) a, b FROM (VALUES (2, 1), (1, 2), (1, 1), (2, 1)) v(a, b) ORDER BY a;
SELECT DISTINCT ON (1) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY 1, 2 DESC;
SELECT DISTINCT ON (k) a AS k, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY k, b DESC;
SELECT DISTINCT ON (a % 2) a FROM generate_series(1, 6) a ORDER BY a % 2, a DESC;
SELECT DISTINCT ON (a % 3) a % 3 AS r, a FROM generate_series(1, 9) a ORDER BY a % 3, a;
SELECT DISTINCT ON (lower(s)) s FROM (VALUES ('B'), ('a'), ('b'), ('A')) v(s) ORDER BY lower(s), s;
SELECT DISTINCT ON (x) x, y FROM (VALUES (NULL, 1), (1, 2), (NULL, 3), (1, 4)) v(x, y) ORDER BY x, y DESC;
SELECT DISTINCT ON (x) x, y FROM (VALUES (NULL, 1), (1, 2), (NULL, 3), (1, 4)) v(x, y) ORDER BY x DESC NULLS LAST, y;
SELECT DISTINCT ON (n) n, m FROM (VALUES (1.0, 'a'), (1.00, 'b'), (2, 'c')) v(n, m) ORDER BY n, m DESC;
SELECT DISTINCT ON (f) f FROM (VALUES (0.0::float8), ('-0'::float8), ('NaN'), ('NaN')) v(f) ORDER BY f;
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z'), (3, 'w')) v(a, b) ORDER BY a, b LIMIT 2;
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z'), (3, 'w')) v(a, b) ORDER BY a, b OFFSET 1;
SELECT DISTINCT ON (arr) arr, i FROM (VALUES (ARRAY[1, 2], 1), (ARRAY[1, 2], 2), (ARRAY[3], 3)) v(arr, i) ORDER BY arr, i DESC;
SELECT DISTINCT ON (g / 10) g FROM generate_series(1, 35, 4) g ORDER BY g / 10, g DESC;
SELECT DISTINCT ON (a) a, b FROM (SELECT 1 AS a, 'x' AS b UNION ALL SELECT 1, 'y') s ORDER BY a, b DESC;
SELECT * FROM (SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 3), (1, 2), (2, 5)) v(a, b) ORDER BY a, b) s WHERE b > 2;
SELECT DISTINCT ON (a) a, b FROM (VALUES (1, 'x'), (1, 'y'), (2, 'z')) v(a, b) ORDER BY b;
SELECT DISTINCT ON (a, b) a, b FROM (VALUES (1, 1)) v(a, b) ORDER BY a, c;
SELECT DISTINCT ON (b) a, b FROM (VALUES (1, 1)) v(a, b) ORDER BY a, b;
SELECT DISTINCT ON (a + 1) a FROM (VALUES (1), (2)) v(a) ORDER BY a;
SELECT DISTINCT ON (3) a, b FROM (VALUES (1, 2)) v(a, b);
SELECT DISTINCT ON ('x') a FROM (VALUES (1)) v(a);
SELECT DISTINCT ON (nosuch) a FROM (VALUES (1)) v(a);
SELECT DISTINCT ON (1) 1;
SELECT DISTINCT ON (j) j FROM (VALUES ('{}'::json)) v(j);
-- plain DISTINCT with ORDER BY
SELECT DISTINCT a FROM (VALUES (2), (1), (2), (NULL)) v(a) ORDER BY a;
SELECT DISTINCT a, b FROM (VALUES (1, 'x'), (1, 'x'), (1, 'y')) v(a, b) ORDER BY b DESC;
SELECT DISTINCT a FROM (VALUES (1, 2)) v(a, b) ORDER BY b;
SELECT DISTINCT a + 1 AS n FROM (VALUES (1), (1), (3)) v(a) ORDER BY a + 1 DESC;
-- DISTINCT ON over a WITH query
WITH scores(player, game, pts) AS (VALUES ('ann', 1, 10), ('bob', 1, 7), ('ann', 2, 12), ('bob', 2, 7), ('cid', 1, 3)) SELECT DISTINCT ON (player) player, game, pts FROM scores ORDER BY player, pts DESC, game;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT DISTINCT ON (n % 3) n % 3 AS r, n FROM t ORDER BY n % 3, n DESC;
SELECT DISTINCT j FROM (VALUES ('{}'::json)) v(j);
SELECT DISTINCT ON (generate_series(1, 2)) 1;
SELECT DISTINCT ON (a, a) a, b FROM (VALUES (1, 2), (1, 3)) v(a, b) ORDER BY a, b DESC;
-- with aggregates
SELECT DISTINCT ON (k) k, count(*) FROM (VALUES (1), (1), (2)) v(k) GROUP BY k ORDER BY k;
SELECT DISTINCT ON (g % 2) g % 2 AS p, sum(g) FROM generate_series(1, 6) g GROUP BY g ORDER BY g % 2, sum(g) DESC;
