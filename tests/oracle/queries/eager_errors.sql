-- Errors of queries eager aggregation looks at: PostgreSQL's, from the same places.
-- a column of orders neither grouped nor aggregated
SELECT o.status, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id;
-- an aggregate of a type without sum, of a column that does not exist
SELECT c.region_id, sum(o.status) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1;
SELECT c.region_id, sum(o.nosuch) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1;
-- a remote text column declared integer: the value that does not convert is reported
SELECT u.id, sum(m.val) FROM ft_mismatch m JOIN s2.ft_types u ON u.id = m.id GROUP BY u.id ORDER BY 1;
-- a remote table that is gone
SELECT u.c_bool, count(d.id) FROM ft_dropped d JOIN s2.ft_types u ON u.id = d.id GROUP BY 1;
-- division by zero in HAVING over combined partials
SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id HAVING sum(o.qty) / (count(*) - count(*)) > 0;
-- numeric overflow of the combined average into its declared type
SELECT c.region_id, avg(o.amount)::numeric(3,1) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id ORDER BY 1;
-- remote errors in the conditions the partial query and the partner's scan send
SELECT c.region_id, sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.qty / (o.qty - o.qty) > 0 GROUP BY 1;
SELECT c.region_id, sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE c.id / (c.id - c.id) > 0 GROUP BY 1;
-- GROUP BY the position of an aggregate; an aggregate in GROUP BY; nested aggregates
SELECT c.region_id, sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1, 2;
SELECT c.region_id, sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY c.region_id, count(*);
SELECT c.region_id, sum(count(o.qty)) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1;
-- an ungrouped column of orders inside HAVING
SELECT c.region_id, sum(o.amount) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1 HAVING o.qty > 1;
-- an aggregate in WHERE is PostgreSQL's error, with its position (not sent to the server)
SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE sum(o.qty) > 1 GROUP BY 1;
SELECT count(*) FROM orders o WHERE max(o.qty) > 1 AND random() >= 0;
