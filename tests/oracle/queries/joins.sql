-- Joins of foreign tables of one server: inner, outer, cross, self, USING and NATURAL.
SELECT o.id, o.amount, c.name
FROM orders o JOIN customers c ON c.id = o.customer_id
WHERE o.id <= 8 ORDER BY o.id;
SELECT o.id, c.name, r.name AS region
FROM orders o
JOIN customers c ON c.id = o.customer_id
JOIN regions r ON r.id = c.region_id
WHERE o.id BETWEEN 20 AND 30 ORDER BY o.id;
SELECT c.id, c.name, r.name AS region
FROM customers c LEFT JOIN regions r ON r.id = c.region_id
WHERE c.id BETWEEN 10 AND 14 ORDER BY c.id;
SELECT r.name, c.id
FROM customers c RIGHT JOIN regions r ON r.id = c.region_id AND c.id < 5
ORDER BY r.name, c.id;
SELECT o.id AS order_id, c.id AS customer_id
FROM (SELECT * FROM orders WHERE (id % 50 = 0 OR customer_id > 58) AND id < 150) o
FULL JOIN (SELECT * FROM customers WHERE id > 55) c ON c.id = o.customer_id
ORDER BY o.id NULLS FIRST, c.id;
SELECT r.name, x.n
FROM regions r CROSS JOIN (SELECT c1 AS n FROM ft1 WHERE c1 <= 2) x
ORDER BY r.name, x.n;
SELECT r1.name, r2.name FROM regions r1, regions r2 WHERE r1.id < r2.id AND r2.id <= 3
ORDER BY 1, 2;
SELECT a.c1, b.c1 AS next FROM ft1 a JOIN ft1 b ON b.c1 = a.c1 + 1 WHERE a.c1 < 4
ORDER BY a.c1;
SELECT id, customers.name, regions.name AS region FROM customers JOIN regions USING (id)
ORDER BY id;
SELECT * FROM regions NATURAL JOIN (SELECT id, name, email FROM customers) c ORDER BY id;
SELECT * FROM regions NATURAL JOIN (SELECT id, 'East' AS name FROM customers) c;
SELECT * FROM customers c JOIN regions r ON r.id = c.region_id WHERE c.id IN (1, 2)
ORDER BY c.id;
SELECT c.name, count(o.id) AS orders
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
WHERE c.id <= 5 GROUP BY c.name ORDER BY c.name;
SELECT c.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
WHERE o.id IS NULL ORDER BY c.id;
SELECT o.id, o.customer_id FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
WHERE c.id IS NULL ORDER BY o.id;
SELECT t.c1, o.id FROM ft1 t JOIN orders o ON o.id = t.c1 * 100 ORDER BY t.c1;
SELECT x.c1, y."col a", y."UPPER" FROM ft1 x JOIN "Odd Table" y ON y."col a" = x.c1
ORDER BY x.c1;
SELECT c.id, o.id FROM customers c JOIN orders o ON o.customer_id = c.id AND o.qty = 9
WHERE c.region_id = 2 ORDER BY c.id, o.id;
SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id
JOIN regions r ON r.id = c.region_id WHERE r.name = 'North';
SELECT r.name, o.id FROM regions r
LEFT JOIN (customers c JOIN orders o ON o.customer_id = c.id AND o.id < 30)
ON c.region_id = r.id ORDER BY r.name, o.id;
SELECT count(*) FROM ft1 a CROSS JOIN ft1 b;
