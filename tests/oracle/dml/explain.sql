-- EXPLAIN of DML (COSTS OFF: fdwsh does not estimate costs of changes)
EXPLAIN (COSTS OFF) UPDATE ft SET b = b + 1 WHERE id = 10;
EXPLAIN (COSTS OFF) DELETE FROM ft WHERE id = 10;
EXPLAIN (COSTS OFF) UPDATE ft SET b = random() WHERE id = 10;
EXPLAIN (COSTS OFF) UPDATE ft1 SET c3 = 'x' WHERE c1 = 1;
EXPLAIN (COSTS OFF) INSERT INTO ft (id, a) VALUES (1, 'x');
EXPLAIN (COSTS OFF) INSERT INTO ft (id, a) VALUES (1, 'x'), (2, 'y');
EXPLAIN (COSTS OFF) INSERT INTO ft (id, a) SELECT g, 'x' FROM generate_series(1, 10) g;
EXPLAIN (COSTS OFF) INSERT INTO ft (id, a) SELECT id, 'x' FROM cust;
EXPLAIN (COSTS OFF) INSERT INTO ft (id, a) SELECT id, 'x' FROM cust c;
EXPLAIN (COSTS OFF) INSERT INTO ft DEFAULT VALUES;
SELECT count(*) FROM ft;
