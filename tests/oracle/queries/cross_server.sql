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
