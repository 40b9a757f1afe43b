-- Window functions (postgres_fdw computes them locally, fdwsh remotely: same rows).
SELECT id, customer_id, amount,
       row_number() OVER (PARTITION BY customer_id ORDER BY id) AS rn
FROM orders WHERE customer_id <= 3 ORDER BY customer_id, id;
SELECT id, qty, rank() OVER (ORDER BY qty DESC) AS rnk,
       dense_rank() OVER (ORDER BY qty DESC) AS dense
FROM orders WHERE id <= 12 ORDER BY id;
SELECT id, amount, lag(amount) OVER w AS prev, lead(amount, 2) OVER w AS next2,
       lag(amount, 1, 0) OVER w AS prev_or_zero
FROM orders WHERE id <= 6 WINDOW w AS (ORDER BY id) ORDER BY id;
SELECT id, amount, sum(amount) OVER (ORDER BY id) AS running,
       avg(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS moving
FROM orders WHERE id <= 8 ORDER BY id;
SELECT status, id, first_value(id) OVER p AS first, last_value(id) OVER p AS last,
       count(*) OVER (PARTITION BY status) AS n
FROM orders WHERE id <= 10
WINDOW p AS (PARTITION BY status ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING
             AND UNBOUNDED FOLLOWING)
ORDER BY status, id;
SELECT id, ntile(3) OVER (ORDER BY id) AS third, percent_rank() OVER (ORDER BY id) AS pr,
       cume_dist() OVER (ORDER BY id) AS cd
FROM regions ORDER BY id;
SELECT c.region_id, c.id, sum(o.amount) AS total,
       rank() OVER (PARTITION BY c.region_id ORDER BY sum(o.amount) DESC) AS place
FROM customers c JOIN orders o ON o.customer_id = c.id
WHERE c.id <= 12 GROUP BY c.region_id, c.id ORDER BY c.region_id NULLS LAST, place;
SELECT * FROM (
  SELECT id, customer_id, amount,
         row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC, id) AS rn
  FROM orders WHERE customer_id IS NOT NULL
) ranked WHERE rn = 1 AND customer_id <= 5 ORDER BY customer_id;
SELECT c1, nth_value(c1, 2) OVER (ORDER BY c1) AS second,
       sum(c1) OVER (ORDER BY c1 RANGE BETWEEN 2 PRECEDING AND CURRENT ROW) AS range_sum
FROM ft1 WHERE c1 <= 5 ORDER BY c1;
SELECT status, count(*), sum(count(*)) OVER () AS all_rows FROM orders GROUP BY status
ORDER BY status;
