-- EXPLAIN of DML (COSTS OFF: fdwsh does not estimate costs of changes)
EXPLAIN (COSTS OFF) UPDATE ft SET b = b + 1 WHERE id = 10;
EXPLAIN (COSTS OFF) DELETE FROM ft WHERE id = 10;
EXPLAIN (COSTS OFF) UPDATE ft SET b = random() WHERE id = 10;
EXPLAIN (COSTS OFF) UPDATE ft1 SET c3 = 'x' WHERE c1 = 1;
SELECT count(*) FROM ft;
