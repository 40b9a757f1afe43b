-- Common table expressions: plain, chained, used twice, MATERIALIZED, recursive.
WITH big AS (SELECT id, amount FROM orders WHERE amount > 990)
SELECT * FROM big ORDER BY id;
WITH per_customer AS (
  SELECT customer_id, sum(amount) AS total FROM orders GROUP BY customer_id
), ranked AS (
  SELECT customer_id, total, rank() OVER (ORDER BY total DESC) AS r FROM per_customer
)
SELECT * FROM ranked WHERE r <= 3 ORDER BY r, customer_id;
WITH r AS (SELECT id, name FROM regions)
SELECT a.name, b.name FROM r a JOIN r b ON b.id = a.id + 1 ORDER BY a.id;
WITH m AS MATERIALIZED (SELECT c1, c2 FROM ft1 WHERE c2 = 3)
SELECT count(*), min(c1), max(c1) FROM m;
WITH n AS NOT MATERIALIZED (SELECT c1 FROM ft1)
SELECT c1 FROM n WHERE c1 > 117 ORDER BY c1;
WITH RECURSIVE chain(c1, depth) AS (
  SELECT c1, 1 FROM ft1 WHERE c1 = 1
  UNION ALL
  SELECT f.c1, chain.depth + 1 FROM ft1 f JOIN chain ON f.c1 = chain.c1 * 2
)
SELECT * FROM chain ORDER BY depth;
WITH RECURSIVE walk(id, region_id, steps) AS (
  SELECT id, region_id, 0 FROM customers WHERE id = 1
  UNION
  SELECT c.id, c.region_id, w.steps + 1 FROM customers c JOIN walk w ON c.id = w.id + 4
  WHERE w.steps < 5
)
SELECT w.id, r.name, w.steps FROM walk w LEFT JOIN regions r ON r.id = w.region_id
ORDER BY w.steps;
WITH counts AS (SELECT status, count(*) AS n FROM orders GROUP BY status)
SELECT status, n, n * 100.0 / (SELECT sum(n) FROM counts) AS pct FROM counts ORDER BY status;
WITH x AS (SELECT c1 FROM ft1 WHERE c1 <= 3), y AS (SELECT c1 * 10 AS c1 FROM x)
SELECT c1 FROM x UNION ALL SELECT c1 FROM y ORDER BY c1;
WITH empty AS (SELECT * FROM orders WHERE false) SELECT count(*) FROM empty;
