-- Subqueries: IN, NOT IN, EXISTS, scalar, correlated, derived tables, LATERAL, ANY/ALL.
SELECT id, name FROM customers
WHERE id IN (SELECT customer_id FROM orders WHERE amount > 995) ORDER BY id;
SELECT id FROM customers
WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL) ORDER BY id;
SELECT count(*) FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);
SELECT r.name FROM regions r
WHERE EXISTS (SELECT 1 FROM customers c WHERE c.region_id = r.id AND c.id > 58) ORDER BY 1;
SELECT r.name FROM regions r
WHERE NOT EXISTS (SELECT FROM customers c WHERE c.region_id = r.id) ORDER BY 1;
SELECT id, amount, (SELECT max(amount) FROM orders) AS top FROM orders WHERE id <= 3
ORDER BY id;
SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS n,
       (SELECT sum(amount) FROM orders o WHERE o.customer_id = c.id) AS total
FROM customers c WHERE c.id <= 5 ORDER BY c.id;
SELECT o.id, o.amount FROM orders o
WHERE o.amount > (SELECT avg(amount) * 1.9 FROM orders i WHERE i.status = o.status)
ORDER BY o.id;
SELECT s.status, s.n FROM (SELECT status, count(*) AS n FROM orders GROUP BY status) s
WHERE s.n > 0 ORDER BY s.status;
SELECT x.c1, x.doubled FROM (SELECT c1, c1 * 2 AS doubled FROM ft1) AS x
WHERE x.doubled < 7 ORDER BY x.c1;
SELECT c.id, last.id AS last_order, last.amount
FROM customers c,
LATERAL (SELECT o.id, o.amount FROM orders o WHERE o.customer_id = c.id
         ORDER BY o.id DESC LIMIT 1) AS last
WHERE c.id <= 4 ORDER BY c.id;
SELECT c.id, o.id AS order_id FROM customers c
LEFT JOIN LATERAL (SELECT id FROM orders WHERE customer_id = c.id ORDER BY amount DESC LIMIT 2)
o ON true WHERE c.id IN (13, 61, 2) ORDER BY c.id, o.id;
SELECT id, amount FROM orders
WHERE amount > ALL (SELECT amount FROM orders WHERE status = 'new') ORDER BY id;
SELECT id FROM orders
WHERE customer_id = ANY (SELECT id FROM customers WHERE region_id = 5) ORDER BY id;
SELECT name FROM regions
WHERE id = (SELECT region_id FROM customers WHERE id = 6);
SELECT (SELECT name FROM regions WHERE id = 9) IS NULL AS no_region, count(*) FROM regions;
SELECT id, amount FROM orders
WHERE (customer_id, qty) IN (SELECT id, region_id FROM customers) ORDER BY id LIMIT 5;
SELECT c1 FROM ft1 WHERE c1 IN (SELECT n FROM ft_nums WHERE n % 40 = 0) ORDER BY c1;
SELECT count(*) FROM (SELECT DISTINCT customer_id FROM orders) d;
