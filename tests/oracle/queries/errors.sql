-- Errors and what follows them: each failing statement prints PostgreSQL's error, the next
-- one runs.  Remote failures carry postgres_fdw's "remote SQL command:" CONTEXT.
SELECT * FROM nosuch_table;
SELECT *
  FROM public.nosuch_table t
 WHERE t.a = 1;
SELECT * FROM nosuch_schema.ft1;
SELECT o.id FROM orders o JOIN missing m ON m.id = o.id;
SELECT c1 FROM ft1 WHERE c1 / (c2 - c2) > 0;
SELECT sum(c1 / 0) FROM ft1;
SELECT count(*) FROM ft1 WHERE c2 / (c1 - 7) > 100;
SELECT c1 FROM ft1 WHERE c1 = 1;
SELECT id FROM orders WHERE amount / (qty - qty) > 1 LIMIT 1;
SELECT * FROM ft_dropped;
SELECT count(*) FROM ft_dropped;
SELECT * FROM ft_narrow;
SELECT b FROM ft_narrow WHERE id = 1;
SELECT id FROM ft_narrow;
SELECT id, a FROM ft_narrow WHERE a = 'x';
SELECT count(*) FROM ft_narrow;
SELECT * FROM ft_mismatch WHERE id = 1;
SELECT * FROM ft_mismatch ORDER BY id;
SELECT id, val FROM ft_mismatch WHERE id = 2;
SELEC 1 FROM ft1;
SELECT c1 FROM ft1 WHERE;
SELECT c1 FROM ft1 WHERE c1 = 2;
SELECT int4(c3) FROM ft1 WHERE c1 = 1;
SELECT sum(c_int4) FROM ft_types WHERE c_int4 * 2 > 0;
SELECT count(*) FROM orders;
SELECT nosuch FROM ft1;
SELECT * FROM ft1 WHERE c1 = 'abc';
SELECT c2 + 1 FROM ft1;
SELECT t.c1 FROM ft1 t WHERE t.zz > 0;
SELECT c1 FROM ft1 a, ft1 b;
SELECT c1 FROM ft1 WHERE c1 = 1;
SELECT 'still unterminated
