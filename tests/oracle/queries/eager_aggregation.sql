-- Eager aggregation: aggregates above a join of orders (loopback) with s2 tables (loopback2);
-- fdwsh aggregates orders per join key remotely and combines the partials after the join.
-- NULL join keys and NULL group keys (region_id), count(*) vs count(col), numeric scales
SELECT c.region_id, count(*), count(o.note), count(o.customer_id), sum(o.amount), avg(o.amount), min(o.amount), max(o.ordered_at) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
-- avg and sum of integers (bigint sum, numeric avg with its display scale)
SELECT c.region_id, sum(o.qty), avg(o.qty), avg(o.id), min(o.qty), max(o.id) FROM orders o, s2.customers c WHERE o.customer_id = c.id GROUP BY c.region_id ORDER BY 1 NULLS FIRST;
-- no GROUP BY: one row; and over no rows at all (a condition on orders alone goes inside)
SELECT count(*), sum(o.amount), avg(o.qty), max(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id;
SELECT count(*), count(o.note), sum(o.amount), avg(o.qty), min(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount < 0;
SELECT c.region_id, count(*), sum(o.qty) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.amount < 0 GROUP BY c.region_id;
-- HAVING, ORDER BY an aggregate and by an output name, LIMIT
SELECT c.name, sum(o.amount) AS total, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.name HAVING sum(o.amount) > 4000 AND count(*) >= 6 ORDER BY total DESC, c.name LIMIT 8;
SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id HAVING avg(o.amount) > 480 ORDER BY count(*) DESC, 1;
-- expressions over aggregates keep PostgreSQL's headers and types
SELECT c.region_id, sum(o.amount) / count(*) AS mean, CAST(count(*) AS text), coalesce(max(o.amount), 0), count(*) + 1, avg(o.qty)::numeric(10,3) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
-- a column of orders in GROUP BY / the select list becomes a partial group key
SELECT c.region_id, o.status, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id, o.status ORDER BY 1, 2;
SELECT o.status, count(*), avg(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id < 40 GROUP BY o.status ORDER BY 1;
-- FILTER on orders' columns
SELECT c.region_id, count(*) FILTER (WHERE o.status = 'paid') AS paid, sum(o.amount) FILTER (WHERE o.qty > 5), avg(o.qty) FILTER (WHERE o.note IS NULL), max(o.amount) FILTER (WHERE o.status = 'none') FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
-- conditions: on orders alone (in ON and WHERE), across both tables
SELECT c.region_id, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id AND o.qty > 3 WHERE o.status <> 'cancelled' GROUP BY c.region_id ORDER BY 1;
SELECT c.region_id, count(*), sum(o.qty) FROM orders o, s2.customers c WHERE o.customer_id = c.id AND o.qty > c.region_id GROUP BY c.region_id ORDER BY 1;
-- three tables: the second server's two tables join there
SELECT r.name, count(*), sum(o.amount), avg(o.qty) FROM orders o JOIN s2.customers c ON c.id = o.customer_id JOIN s2.regions r ON r.id = c.region_id GROUP BY r.name ORDER BY 1;
-- a filtered partner table: its keys filter the partial query (without it when dynamic
-- filtering is off); keys that match nothing, no keys at all, a join on a NULL-able column
SELECT c.region_id, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.email IS NULL GROUP BY c.region_id ORDER BY 1;
SELECT c.name, count(*), avg(o.qty) FROM orders o, s2.customers c WHERE c.id = o.customer_id AND c.id > 55 GROUP BY c.name ORDER BY 1;
SELECT c.region_id, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id < 0 GROUP BY c.region_id;
SELECT count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id < 0;
SELECT r.name, count(*), sum(o.amount) FROM orders o JOIN s2.regions r ON r.id = o.qty WHERE r.name <> 'North' GROUP BY r.name ORDER BY 1;
SELECT c.region_id, count(*), max(o.amount) FROM s2.customers c JOIN orders o ON o.customer_id = c.region_id WHERE c.email IS NOT NULL GROUP BY c.region_id ORDER BY 1;
\set DYNAMIC_FILTER_LIMIT 0
SELECT c.region_id, count(*), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.email IS NULL GROUP BY c.region_id ORDER BY 1;
\unset DYNAMIC_FILTER_LIMIT
-- every type the partials combine: numeric with NaN and large scales, bigint extremes,
-- smallint, floats / timestamps / intervals in min and max
SELECT u.c_bool, count(*), sum(t.c_num), avg(t.c_num), sum(t.c_num2), avg(t.c_num0), sum(t.c_int8), avg(t.c_int8), sum(t.c_int2), sum(t.c_int4), avg(t.c_int4) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id GROUP BY u.c_bool ORDER BY 1;
SELECT t.c_num2, count(*), sum(t.c_int4), avg(t.c_int2), max(t.c_int8) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id GROUP BY t.c_num2 ORDER BY 1;
SELECT u.c_bool IS NULL AS unknown, min(t.c_double), max(t.c_double), min(t.c_real), max(t.c_real), min(t.c_tstz), max(t.c_ts), min(t.c_date), max(t.c_interval), min(t.c_time) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id GROUP BY 1 ORDER BY 1;
-- where it does not apply, results are the same as ever: DISTINCT, ordered and other
-- aggregates, float sums, outer joins, aggregates over both tables
SELECT c.region_id, count(DISTINCT o.status), sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
SELECT c.region_id, string_agg(o.status, ',' ORDER BY o.id) FILTER (WHERE o.id < 60), count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
SELECT u.c_bool, sum(t.c_double), avg(t.c_real) FROM ft_types t JOIN s2.ft_types u ON u.id = t.id WHERE t.c_double < 1e300 GROUP BY u.c_bool ORDER BY 1;
SELECT c.region_id, count(*), count(o.id), sum(o.amount) FROM s2.customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.region_id ORDER BY 1;
SELECT c.region_id, count(*), sum(o.amount) FROM orders o LEFT JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
SELECT c.region_id, sum(o.qty * c.id), max(c.signup) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
