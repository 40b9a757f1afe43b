-- Data shipping (fdwsh.exec.ship): with SHIP_THRESHOLD 1 and dynamic filtering off, every
-- query level joining a table of loopback2 with tables of loopback copies the smaller input
-- into a temporary table on the other server, which runs the whole level; postgres_fdw joins
-- locally.  The results must be the same.
\set SHIP_THRESHOLD 1
\set DYNAMIC_FILTER_LIMIT 0
SELECT c.region_id, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1 ORDER BY 1;
SELECT o.id, o.amount, c.name FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount > 990 ORDER BY o.amount DESC, o.id;
SELECT o.id, c.name, c.email FROM orders o LEFT JOIN s2.customers c ON c.id = o.customer_id WHERE o.id % 37 = 0 ORDER BY o.id;
SELECT c.id, c.name, count(o.id) AS n FROM orders o RIGHT JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.id, c.name HAVING count(o.id) < 3 ORDER BY c.id;
SELECT o.customer_id, c.id FROM orders o FULL JOIN s2.customers c ON c.id = o.customer_id WHERE o.customer_id IS NULL OR c.id IS NULL ORDER BY 1, 2;
SELECT c.id, c.name FROM s2.customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'paid' WHERE o.id IS NULL ORDER BY c.id;
SELECT r.name, count(*) FROM regions r JOIN s2.customers c ON c.region_id = r.id GROUP BY r.name ORDER BY 2 DESC, 1;
SELECT o.status, c.region_id, avg(o.amount)::numeric(10,2), min(c.signup), max(o.ordered_at) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY ROLLUP (o.status, c.region_id) ORDER BY 1, 2, 3;
SELECT o.id, c.name FROM orders o JOIN s2.customers c USING (id) ORDER BY o.id LIMIT 5;
SELECT id, name FROM orders JOIN s2.customers USING (id) WHERE qty > 5 ORDER BY id DESC LIMIT 4 OFFSET 2;
SELECT o.id, c.name FROM orders o, s2.customers c WHERE o.customer_id = c.id AND c.region_id = 2 AND o.qty = 9 ORDER BY 1;
SELECT DISTINCT c.region_id, o.status FROM orders o JOIN s2.customers c ON c.id = o.customer_id ORDER BY 1, 2;
SELECT c.name, o.amount, rank() OVER (PARTITION BY c.region_id ORDER BY o.amount DESC) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount > 950 ORDER BY c.region_id, 3, c.name;
SELECT count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id AND o.id < c.id * 3;
SELECT c.name, o.total FROM (SELECT customer_id, sum(amount) AS total FROM orders GROUP BY 1) o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id < 6 ORDER BY 1;
SELECT name FROM regions WHERE id IN (SELECT c.region_id FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount > 995) ORDER BY 1;
SELECT x.region_id, x.n, r.name FROM (SELECT c.region_id, count(*) AS n FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1) x LEFT JOIN regions r ON r.id = x.region_id ORDER BY 1;
SELECT a.c1, b.c3, a.c7, b.c4, b.c5 FROM ft1 a JOIN s2.ft1 b ON a.c1 = b.c1 WHERE a.c1 % 17 = 0 ORDER BY a.c1;
-- values of every type survive the copy exactly
SELECT t.id, u.c_int2, u.c_int4, u.c_int8, u.c_num, u.c_num2, u.c_num0, u.c_real, u.c_double, u.c_bool FROM ft_types t JOIN s2.ft_types u ON t.id = u.id ORDER BY t.id;
SELECT t.id, u.c_text, u.c_char, u.c_varchar, u.c_bytea, u.c_date, u.c_time, u.c_timetz FROM ft_types t JOIN s2.ft_types u ON t.id = u.id ORDER BY t.id;
SELECT t.id, u.c_ts, u.c_tstz, u.c_interval, u.c_uuid, u.c_json, u.c_jsonb, u.c_intarr, u.c_textarr FROM ft_types t JOIN s2.ft_types u ON t.id = u.id ORDER BY t.id;
SELECT u.c_text, count(*) FROM ft_types t JOIN s2.ft_types u ON t.c_text = u.c_text GROUP BY 1 ORDER BY 1;
-- the copy is of the rows the scan would fetch: its pushed conditions applied
SELECT c.id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id BETWEEN 10 AND 14 AND c.email IS NOT NULL GROUP BY c.id ORDER BY 1;
SELECT count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id < 0;
-- a level the target cannot run whole (a COLLATE clause, a VALUES list) still ships the
-- join's smaller input; fdwsh's executor does the rest over the join's rows
SELECT c.name COLLATE "C", o.amount FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount > 980 ORDER BY 1, 2;
SELECT v.tag, count(*), sum(o.qty) FROM orders o JOIN s2.customers c ON c.id = o.customer_id JOIN (VALUES (1, 'one'), (2, 'two')) v(k, tag) ON v.k = c.region_id GROUP BY 1 ORDER BY 1;
SELECT o.id, c.email COLLATE "C" FROM orders o LEFT JOIN s2.customers c ON c.id = o.customer_id WHERE o.id % 41 = 0 ORDER BY 1;
SELECT o.customer_id, c.id, v.x FROM orders o FULL JOIN s2.customers c ON c.id = o.customer_id CROSS JOIN (VALUES (1)) v(x) WHERE o.customer_id IS NULL OR c.id IS NULL ORDER BY 1, 2;
WITH big AS (SELECT o.id, c.name FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.qty = 9) SELECT count(*), min(name), max(id) FROM big;
-- a correlated sub-select cannot run whole remotely: its join is shipped on its own
SELECT r.name, (SELECT count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.region_id = r.id) AS n FROM regions r ORDER BY 1;
