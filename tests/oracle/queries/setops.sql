-- Set operations of foreign-table queries (and VALUES), with ORDER BY fixing the order.
SELECT name FROM regions UNION SELECT status FROM orders ORDER BY 1;
SELECT id FROM regions UNION ALL SELECT id FROM regions WHERE id < 3 ORDER BY 1;
SELECT customer_id FROM orders WHERE id <= 20 INTERSECT SELECT id FROM customers WHERE id < 40
ORDER BY 1;
SELECT id FROM customers EXCEPT SELECT customer_id FROM orders ORDER BY 1;
SELECT customer_id FROM orders EXCEPT ALL SELECT id FROM customers ORDER BY 1 NULLS FIRST
LIMIT 10;
SELECT region_id FROM customers WHERE id <= 8 INTERSECT ALL SELECT id FROM regions ORDER BY 1;
(SELECT id, 'region' AS kind FROM regions WHERE id <= 2)
UNION ALL
(SELECT id, 'customer' FROM customers WHERE id <= 2)
ORDER BY kind, id;
SELECT c1 FROM ft1 WHERE c1 < 3 UNION SELECT n FROM ft_nums WHERE n BETWEEN 2 AND 4
EXCEPT SELECT 3 ORDER BY 1 DESC;
SELECT id FROM regions UNION SELECT x FROM (VALUES (10), (11)) v(x) ORDER BY 1;
SELECT name, NULL::int AS n FROM regions WHERE id = 1
UNION ALL SELECT NULL, count(*)::int FROM orders ORDER BY 2 NULLS FIRST;
SELECT * FROM (SELECT id FROM regions UNION SELECT id + 100 FROM regions) u
ORDER BY id DESC LIMIT 3;
SELECT count(*) FROM (SELECT customer_id FROM orders UNION SELECT id FROM customers) u;
