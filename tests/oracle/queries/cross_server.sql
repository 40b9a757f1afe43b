-- Queries over tables of two servers (loopback and loopback2): fdwsh's executor reads each
-- table with a remote scan; postgres_fdw joins them locally.
SELECT c.id, c.name, r.name AS region FROM s2.customers c, regions r WHERE c.region_id = r.id AND c.id <= 8 ORDER BY c.id;
SELECT r.name, s.name FROM regions r, s2.regions s WHERE r.id = s.id + 1 ORDER BY 1, 2;
SELECT count_me.* FROM (SELECT c.id, r.name FROM s2.customers c, regions r WHERE c.region_id = r.id) count_me WHERE count_me.id BETWEEN 10 AND 14 ORDER BY 1;
SELECT o.id, o.amount, c.name FROM orders o, s2.customers c WHERE o.customer_id = c.id AND o.amount > 990 ORDER BY o.amount DESC, o.id;
SELECT o.id, c.email FROM orders o, s2.customers c WHERE o.customer_id = c.id AND c.email IS NULL AND o.id < 60 ORDER BY 1;
SELECT a.c1, b.c3, a.c7 FROM ft1 a, s2.ft1 b WHERE a.c1 = b.c1 AND a.c1 % 17 = 0 ORDER BY a.c1;
SELECT * FROM regions r, s2.regions s WHERE r.id = s.id AND r.id > 3 ORDER BY r.id;
SELECT t.id, t.c_num2, u.c_text FROM ft_types t, s2.ft_types u WHERE t.id = u.id ORDER BY t.id;
SELECT t.c_tstz, t.c_ts, t.c_date, t.c_interval, u.c_time, u.c_timetz FROM ft_types t, s2.ft_types u WHERE t.id = u.id ORDER BY t.id;
SELECT t.c_real, t.c_double, u.c_num, u.c_num0, t.c_bool, u.c_bytea FROM ft_types t, s2.ft_types u WHERE t.id = u.id ORDER BY t.id;
SELECT t.c_char, t.c_varchar, u.c_uuid, u.c_json, u.c_jsonb, t.c_intarr, u.c_textarr FROM ft_types t, s2.ft_types u WHERE t.id = u.id ORDER BY t.id;
SELECT name FROM regions UNION SELECT name FROM s2.customers WHERE id < 4 ORDER BY 1;
SELECT region_id FROM s2.customers EXCEPT SELECT id FROM regions ORDER BY 1;
SELECT id FROM regions INTERSECT ALL SELECT region_id FROM s2.customers ORDER BY 1;
SELECT name FROM regions WHERE id IN (SELECT region_id FROM s2.customers WHERE id < 3) ORDER BY 1;
SELECT name, (SELECT c1 FROM s2.ft1 ORDER BY c1 DESC LIMIT 1) AS top FROM regions WHERE id < 3 ORDER BY 1;
SELECT DISTINCT c.region_id, r.name FROM s2.customers c, regions r WHERE c.region_id = r.id ORDER BY 1;
SELECT c.id, r.name FROM s2.customers c, regions r WHERE c.region_id = r.id ORDER BY c.id DESC LIMIT 3 OFFSET 2;
SELECT c1, c2 * 2 AS twice, upper(c3) FROM ft1, s2.regions s WHERE c1 = s.id ORDER BY 1;
SELECT r.id, r.name || '/' || s.name AS both_names FROM regions r, s2.regions s WHERE r.id = 6 - s.id ORDER BY 1;
SELECT o.id, o.note FROM orders o, s2.regions s WHERE o.note IS NOT NULL AND s.id = 1 ORDER BY o.id;
SELECT "col a", "UPPER", s.name FROM "Odd Table", s2.regions s WHERE "col a" = s.id ORDER BY 1;
-- non-shippable expressions over one server's table
SELECT c1 FROM ft1 WHERE c1 < 4 AND random() >= 0 ORDER BY 1;
SELECT c1, c3 COLLATE "C" FROM ft1 WHERE c1 < 4 ORDER BY c3 COLLATE "C";
SELECT c1 FROM ft1 WHERE c4 < now() AND c1 < 3 ORDER BY 1;
SELECT count_ok FROM (SELECT c1 AS count_ok FROM ft1 WHERE c1 <= 2) t, s2.regions WHERE regions.id = 1 ORDER BY 1;
-- a query level one server can run whole is sent whole (aggregates, sub-selects)
SELECT c.name, o.total FROM (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) o, s2.customers c WHERE c.id = o.customer_id AND c.id < 6 ORDER BY 1;
SELECT name, (SELECT max(c1) FROM s2.ft1) AS top, (SELECT count(*) FROM s2.customers) AS n FROM regions WHERE id < 3 ORDER BY 1;
SELECT r.name, stats.n, stats.first_signup FROM regions r, (SELECT region_id, count(*) AS n, min(signup) AS first_signup FROM s2.customers GROUP BY region_id HAVING count(*) > 2) stats WHERE stats.region_id = r.id ORDER BY 1;
SELECT s.status, s.avg_amount FROM (SELECT status, avg(amount) AS avg_amount FROM orders GROUP BY status) s, s2.regions WHERE regions.id = 1 ORDER BY 1;
SELECT id FROM regions WHERE id NOT IN (SELECT region_id FROM s2.customers WHERE region_id IS NOT NULL AND id < 10) ORDER BY 1;
SELECT id, name FROM regions WHERE EXISTS (SELECT 1 FROM s2.customers WHERE id = 3) ORDER BY 1;
SELECT t.n FROM (SELECT count(*) AS n FROM orders WHERE status = 'paid') t, (SELECT count(*) AS m FROM s2.customers) u WHERE t.n > u.m;
SELECT x FROM (SELECT c1 AS x FROM ft1 WHERE c1 < 3 UNION ALL SELECT c1 FROM s2.ft1 WHERE c1 > 118) u ORDER BY x;
-- JOIN syntax across servers; a join of one server's tables inside runs there whole
SELECT o.id, c.name, r.name FROM orders o JOIN customers c ON c.id = o.customer_id JOIN s2.regions r ON r.id = c.region_id WHERE o.id < 10 ORDER BY 1;
SELECT c.id, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.amount > 900, s2.regions r WHERE r.id = c.region_id AND c.id < 8 ORDER BY 1, 2;
SELECT * FROM regions JOIN customers USING (id) JOIN s2.regions s ON s.id = regions.id ORDER BY 1;
SELECT r.name, c.id FROM s2.regions r LEFT JOIN customers c ON c.region_id = r.id AND c.id < 5 ORDER BY 1, 2;
SELECT r.id, s.id FROM regions r FULL JOIN s2.customers s ON s.id = r.id + 57 ORDER BY 1, 2;
SELECT r.id, c.id FROM regions r RIGHT JOIN s2.customers c ON c.region_id = r.id WHERE c.id > 55 ORDER BY 2;
SELECT id, r.name, c.name FROM regions r JOIN s2.customers c USING (id) ORDER BY id;
SELECT r.name, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id JOIN regions r ON r.id = c.region_id GROUP BY r.name ORDER BY 1;
SELECT c.region_id, count(DISTINCT o.status), max(o.amount), string_agg(DISTINCT o.status, ',' ORDER BY o.status) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id HAVING count(*) > 50 ORDER BY 1 NULLS FIRST;
WITH big AS (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id) SELECT c.name, big.total FROM big JOIN s2.customers c ON c.id = big.customer_id ORDER BY big.total DESC LIMIT 3;
SELECT r.name, (SELECT count(*) FROM s2.customers c WHERE c.region_id = r.id) AS n FROM regions r ORDER BY 1;
SELECT c.name FROM s2.customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.amount > 995) ORDER BY 1;
SELECT c.id FROM s2.customers c WHERE c.id < 20 AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id) ORDER BY 1;
SELECT DISTINCT ON (c.region_id) c.region_id, o.id, o.amount FROM orders o JOIN s2.customers c ON c.id = o.customer_id ORDER BY c.region_id, o.amount DESC, o.id;
SELECT s.n, r.name FROM (SELECT region_id, count(*) AS n FROM s2.customers GROUP BY region_id) s LEFT JOIN regions r ON r.id = s.region_id ORDER BY 1, 2;
SELECT s2.regions.id, public.regions.name FROM s2.regions, public.regions WHERE s2.regions.id = public.regions.id ORDER BY 1;
SELECT s.status FROM (SELECT status FROM orders GROUP BY status) s, s2.regions WHERE s2.regions.id = 1 ORDER BY 1;
SELECT (SELECT s2.regions.name FROM ft_one_row) FROM s2.regions ORDER BY 1;
