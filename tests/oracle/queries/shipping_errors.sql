-- Data shipping (fdwsh.exec.ship) fails as postgres_fdw's local join does: a value the
-- declared type rejects names the column and foreign table, an error of the join's own
-- expressions has no remote context, a missing remote table names the scan's query.
\set SHIP_THRESHOLD 1
\set DYNAMIC_FILTER_LIMIT 0
SELECT o.id, m.val FROM orders o JOIN s2.ft_mismatch m ON m.id = o.id ORDER BY 1;
SELECT count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id WHERE o.qty / (c.id - 5) > 100;
SELECT sum(o.qty::int2 * 10000::int2) FROM orders o JOIN s2.customers c ON c.id = o.customer_id;
SELECT d.id FROM ft_dropped d JOIN s2.customers c ON c.id = d.id;
-- the session goes on: the same join ships again
SELECT c.region_id, count(*) FROM orders o JOIN s2.customers c ON c.id = o.customer_id GROUP BY 1 ORDER BY 1;
-- the level's own errors come before the servers are asked anything
SELECT d.id + 'x' FROM ft_dropped d JOIN s2.customers c ON c.id = d.id;
SELECT d.nope FROM ft_dropped d JOIN s2.customers c ON c.id = d.id;
SELECT d.id, c.name COLLATE "C" FROM ft_dropped d JOIN s2.customers c ON c.id = d.id GROUP BY 1;
