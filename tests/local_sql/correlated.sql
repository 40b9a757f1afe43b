-- Correlated sub-SELECTs: outer references in the select list, WHERE and ORDER BY of sub-selects
SELECT a, (SELECT a * 10) AS x FROM (VALUES (1), (2), (3)) t(a);
SELECT a, (SELECT b FROM (VALUES (1, 'one'), (2, 'two')) u(k, b) WHERE u.k = t.a) FROM (VALUES (1), (2), (3)) t(a);
SELECT a, (SELECT b FROM (VALUES (1)) u(b) WHERE b = a) IS NULL AS missing FROM (VALUES (1), (2)) t(a);
SELECT a, EXISTS (SELECT 1 FROM generate_series(1, 5) g WHERE g * g = t.a) FROM (VALUES (1), (2), (4), (9)) t(a);
SELECT a FROM (VALUES (1), (2), (3), (4)) t(a) WHERE NOT EXISTS (SELECT 1 FROM (VALUES (2), (4)) u(b) WHERE b = a) ORDER BY a;
SELECT a, m, a IN (SELECT g FROM generate_series(1, 10) g WHERE g % t.m = 0) AS r FROM (VALUES (4, 2), (9, 2), (9, 3), (NULL, 3)) t(a, m);
SELECT a, m, a NOT IN (SELECT b FROM (VALUES (1), (NULL), (3)) u(b) WHERE b IS NULL OR b > m) AS r FROM (VALUES (1, 0), (1, 5), (2, 0), (2, 5), (NULL, 5)) t(a, m);
SELECT a, m, a NOT IN (SELECT b FROM (VALUES (1), (3)) u(b) WHERE b > m) AS r FROM (VALUES (NULL::int, 5), (2, 0), (3, 0)) t(a, m);
SELECT a, a > ANY (SELECT b FROM (VALUES (1), (5), (9)) u(b) WHERE b <> t.a) AS gt_any, a >= ALL (SELECT b FROM (VALUES (1), (5), (NULL), (9)) u(b) WHERE b <= t.a + 1 OR b IS NULL) AS ge_all FROM (VALUES (0), (5), (9)) t(a);
SELECT a, a = ALL (SELECT b FROM (VALUES (1), (1)) u(b) WHERE b >= a) AS all_eq, a <> ANY (SELECT b FROM (VALUES (1), (2)) u(b) WHERE b > a) AS any_ne FROM (VALUES (1), (2), (3)) t(a);
SELECT a, ARRAY(SELECT g * a FROM generate_series(1, 3) g ORDER BY g DESC) FROM (VALUES (1), (2)) t(a);
SELECT a, ARRAY(SELECT b FROM (VALUES ('x'), ('y')) u(b) WHERE a) FROM (VALUES (true), (false)) t(a);
SELECT a, ARRAY(SELECT generate_series(1, a)) AS s FROM (VALUES (2), (3)) t(a);
SELECT a, 'x' = ANY (SELECT unnest(a)) AS has_x FROM (VALUES (ARRAY['x', 'y']), (ARRAY['z'])) t(a);
-- two and three levels up
SELECT a, (SELECT (SELECT a * 100 + b * 10 + c FROM (VALUES (3)) v(c)) FROM (VALUES (2)) u(b)) FROM (VALUES (1), (4)) t(a);
SELECT a FROM (VALUES (1), (2), (3)) t(a) WHERE EXISTS (SELECT 1 FROM (VALUES (10), (20)) u(b) WHERE EXISTS (SELECT 1 FROM (VALUES (12), (23)) v(c) WHERE c = b + t.a)) ORDER BY a;
SELECT a, (SELECT (SELECT (SELECT a + b + c) FROM (VALUES (100)) w(c)) FROM (VALUES (10)) v(b)) FROM (VALUES (1), (2)) t(a);
SELECT a, (SELECT ARRAY(SELECT a * g FROM generate_series(1, 3) g WHERE g <= b) FROM (VALUES (2)) u(b)) FROM (VALUES (1), (5)) t(a);
-- ORDER BY and WHERE
SELECT a, (SELECT b FROM (VALUES (1), (5), (9)) u(b) ORDER BY abs(b - t.a), b LIMIT 1) AS nearest FROM (VALUES (0), (4), (7), (100)) t(a);
SELECT a FROM (VALUES (1), (2), (3)) t(a) ORDER BY (SELECT b FROM (VALUES (1, 30), (2, 10), (3, 20)) u(k, b) WHERE k = a);
SELECT a, (SELECT -a) AS neg FROM (VALUES (1), (3), (2)) t(a) ORDER BY neg;
SELECT a, ARRAY(SELECT g FROM generate_series(1, 6) g ORDER BY g % a, g LIMIT 3 OFFSET 1) FROM (VALUES (2), (3)) t(a);
SELECT a, b FROM (VALUES (1, 10), (2, 5), (3, 30)) t(a, b) WHERE b > (SELECT a * 4) ORDER BY a;
SELECT a FROM generate_series(1, 10) t(a) WHERE a = (SELECT b FROM (VALUES (3), (7)) u(b) WHERE b = a);
SELECT w, EXISTS (SELECT 1 FROM (VALUES ('apple'), ('banana')) f(name) WHERE name LIKE w || '%') AS found FROM (VALUES ('ap'), ('ba'), ('ch')) t(w);
VALUES (3), (1), (2) ORDER BY (SELECT -column1);
-- CASE
SELECT a, CASE WHEN EXISTS (SELECT 1 FROM (VALUES (2), (3)) u(b) WHERE b = a) THEN (SELECT a * 2) ELSE (SELECT -a) END AS c FROM (VALUES (1), (2), (3)) t(a);
SELECT a, CASE (SELECT a % 2) WHEN 0 THEN 'even' ELSE 'odd' END AS parity FROM generate_series(1, 4) t(a);
SELECT a, CASE WHEN a > 1 THEN (SELECT g FROM generate_series(1, 3) g WHERE g < a) END FROM (VALUES (1), (2)) t(a);
-- outer rows from FROM items of every kind
SELECT s.x, (SELECT s.x || '!') AS shout FROM (SELECT 'a' AS x UNION ALL SELECT 'b') s;
SELECT n, o, (SELECT n * o) AS p FROM unnest(ARRAY[10, 20, 30]) WITH ORDINALITY AS u(n, o);
SELECT a, b, (SELECT a + b) AS s FROM (VALUES (1), (2)) t(a), (VALUES (10), (20)) u(b) ORDER BY 1, 2;
SELECT x, y FROM (SELECT a AS x, (SELECT a * a) AS y FROM (VALUES (2), (3)) t(a)) s WHERE y > (SELECT x + 3);
-- scoping, caching, uncorrelated parts
SELECT a, (SELECT a FROM (VALUES (99)) u(a)) AS inner_a, (SELECT t.a FROM (VALUES (99)) u(a)) AS outer_a FROM (VALUES (1)) t(a);
SELECT (SELECT t.a + u.a FROM (VALUES (100)) u(a)) FROM (VALUES (1), (2)) t(a);
SELECT a, (SELECT a + (SELECT m FROM (VALUES (7)) v(m))) FROM (VALUES (1), (2)) t(a);
SELECT i, a, (SELECT a * 2) AS d FROM (VALUES (1, 5), (2, 5), (3, NULL), (4, NULL), (5, 5)) t(i, a);
SELECT a, (SELECT a) AS same FROM (VALUES (1.0), (1.00), (1)) t(a);
SELECT DISTINCT (SELECT a % 3) AS r FROM generate_series(1, 7) t(a) ORDER BY 1;
SELECT a, ARRAY(SELECT a UNION SELECT a * 2 UNION SELECT 4 ORDER BY 1) FROM (VALUES (1), (2)) t(a);
SELECT a, (VALUES (a + 1)) AS v, ARRAY(VALUES (a), (a * a)) AS w FROM (VALUES (2), (3)) t(a);
-- errors
SELECT a, (SELECT g FROM generate_series(1, 3) g WHERE g <= a) FROM (VALUES (1), (2)) t(a);
SELECT a FROM (VALUES (1), (2)) t(a) WHERE a = (SELECT b FROM (VALUES (1), (1)) u(b) WHERE b = a);
SELECT (SELECT a, a) FROM (VALUES (1)) t(a);
SELECT (SELECT nope) FROM (VALUES (1)) t(a);
SELECT (SELECT t.nope) FROM (VALUES (1)) t(a);
SELECT a, ARRAY(SELECT a, 1) FROM (VALUES (1)) t(a);
