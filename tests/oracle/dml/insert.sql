-- INSERT: VALUES, multi-row, DEFAULT, DEFAULT VALUES, SELECT, RETURNING, ON CONFLICT
INSERT INTO ft (id, a) VALUES (100, 'one');
INSERT INTO ft VALUES (101, 'two', 2, 2.5), (102, 'three', DEFAULT, NULL);
INSERT INTO ft (a, id) VALUES ('four', 103) RETURNING *;
INSERT INTO ft (id, a, c) VALUES (104, 'five', 1.005) RETURNING id, b * 2 AS twice, c, a || '!' AS bang;
INSERT INTO ft (id, a) SELECT g, 'g' || g FROM generate_series(110, 114) g;
INSERT INTO ft (id, a) SELECT g + 200, 'sel' FROM generate_series(1, 3) g RETURNING id, a;
INSERT INTO ft (id, a) SELECT id + 300, 'copy ' || a FROM ft WHERE id < 4;
INSERT INTO ft (id, a) SELECT id + 400, 'cust' FROM cust WHERE tier = 1;
INSERT INTO ft (id, a) SELECT id + 500, 'cust' FROM cust WHERE tier = 2 RETURNING *;
INSERT INTO ft (id, a) VALUES (100, 'dup') ON CONFLICT DO NOTHING;
INSERT INTO ft (id, a) VALUES (100, 'dup'), (600, 'new') ON CONFLICT DO NOTHING RETURNING id;
INSERT INTO ft (id, a) SELECT 601, 'x' WHERE false;
INSERT INTO ft1 (c1, c2, c3) VALUES (50, 5, 'renamed') RETURNING c1, c3;
INSERT INTO ft1 SELECT c1 + 100, c2, c3 FROM ft1 WHERE c1 < 3;
WITH src AS (SELECT g FROM generate_series(700, 702) g) INSERT INTO ft (id, a) SELECT g, 'w' FROM src;
WITH src AS (SELECT id FROM cust WHERE tier = 1) INSERT INTO ft (id, a) SELECT id + 800, 'w' FROM src RETURNING id;
INSERT INTO ft (id, a) VALUES (900, 'r') RETURNING id, (SELECT count(*) FROM cust) AS n, (SELECT max(tier) FROM cust c WHERE c.id = ft.id - 895) AS t;
UPDATE ft SET b = 1 WHERE id = 900 RETURNING (SELECT count(*) FROM ft) AS total, b;
DELETE FROM ft WHERE id = 900 RETURNING *, EXISTS (SELECT 1 FROM cust WHERE id = 5) AS e;
-- a source column declared integer over a remote text column is read as declared
INSERT INTO ft (id, a, b) SELECT id + 700, 'm', val FROM ftm;
INSERT INTO ft (id, a, b) SELECT id + 700, 'm', val FROM ftm WHERE id = 1 RETURNING id, b;
-- relayed from the other server, by COPY (a NULL in a NOT NULL column: tests/test_dml_not_null.py)
INSERT INTO ft (id, a, b) SELECT id + 600, 'x' || id, tier FROM cust WHERE id < 3 RETURNING *;
INSERT INTO ft (id, a, b) SELECT id + 610, 'x' || id, tier FROM cust;
SELECT * FROM ft ORDER BY id;
SELECT * FROM fn ORDER BY v;
SELECT * FROM ft1 ORDER BY c1;
