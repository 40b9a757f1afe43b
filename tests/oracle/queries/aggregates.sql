-- Aggregates: plain, GROUP BY, HAVING, DISTINCT, FILTER, ordered aggregates, grouping sets.
SELECT count(*), count(customer_id), count(note), sum(amount), avg(amount), min(amount),
       max(amount) FROM orders;
SELECT status, count(*), sum(qty), round(avg(amount), 2) AS avg_amount FROM orders
GROUP BY status ORDER BY status;
SELECT customer_id, count(*) FROM orders GROUP BY customer_id HAVING count(*) >= 7
ORDER BY customer_id;
SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id
HAVING sum(amount) > 4000 AND customer_id IS NOT NULL ORDER BY total DESC, customer_id;
SELECT region_id, count(*) FROM customers GROUP BY region_id ORDER BY region_id NULLS FIRST;
SELECT count(DISTINCT customer_id) AS customers, count(DISTINCT status) AS statuses,
       sum(DISTINCT qty) AS distinct_qty FROM orders;
SELECT DISTINCT status FROM orders ORDER BY status;
SELECT DISTINCT c2, c6 FROM ft1 WHERE c1 < 25 ORDER BY c2, c6;
SELECT status, count(*) FILTER (WHERE amount > 500) AS big, count(*) FILTER (WHERE qty = 1)
FROM orders GROUP BY status ORDER BY status;
SELECT string_agg(name, ', ' ORDER BY name) AS names FROM regions;
SELECT region_id, string_agg(id::text, ',' ORDER BY id DESC) AS ids FROM customers
WHERE id <= 12 GROUP BY region_id ORDER BY region_id;
SELECT array_agg(c1 ORDER BY c1) AS arr FROM ft1 WHERE c1 % 20 = 0;
SELECT bool_and(c_bool) AS all_true, bool_or(c_bool) AS any_true, every(c_int4 > -5) AS every
FROM ft_types;
SELECT min(c_date), max(c_date), min(c_ts), max(c_tstz), min(c_interval), max(c_text),
       min(c_uuid::text) FROM ft_types;
SELECT min(c_num), max(c_num), sum(c_num2), avg(c_num0), sum(c_int8) FROM ft_types
WHERE id <> 2;
SELECT sum(c_int2) AS s2, sum(c_int4) AS s4, avg(c_int4) AS a4, sum(c_real) AS sr
FROM ft_types WHERE id IN (1, 5, 6);
SELECT qty, count(*) AS n, min(id), max(id) FROM orders GROUP BY qty ORDER BY qty;
SELECT status, qty, count(*) FROM orders WHERE qty <= 2
GROUP BY ROLLUP (status, qty) ORDER BY status NULLS LAST, qty NULLS LAST;
SELECT status, qty <= 4 AS small, count(*) FROM orders
GROUP BY CUBE (status, qty <= 4) ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;
SELECT status, customer_id IS NULL AS anonymous, count(*), grouping(status) AS g
FROM orders GROUP BY GROUPING SETS ((status), (customer_id IS NULL), ())
ORDER BY g, 1, 2;
SELECT signup < '2021-01-01' AS early, count(*) FROM customers GROUP BY 1 ORDER BY 1;
SELECT stddev(amount)::numeric(10, 4) AS sd, variance(qty)::numeric(10, 4) AS var,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS median,
       mode() WITHIN GROUP (ORDER BY qty) AS mode
FROM orders;
SELECT array_agg(name ORDER BY id) AS a, array_agg(DISTINCT region_id) AS ids FROM customers;
SELECT count(*) AS n, sum(c1) FROM ft1 WHERE c1 > 1000;
SELECT c2, count(*) FROM ft1 GROUP BY c2 HAVING c2 > 7 ORDER BY c2;
SELECT count(*) > 0 AS any FROM "Odd Table";
