-- stored generated columns: never sent (the remote computes them, or stores its own default),
-- recomputed by an UPDATE of a column they read, refused with the rewriter's messages
INSERT INTO fgen VALUES (10, 5);
INSERT INTO fgen VALUES (11, 5, DEFAULT, 'x') RETURNING *;
INSERT INTO fgen VALUES (12, 6, DEFAULT), (13, 7, DEFAULT) RETURNING g, b;
INSERT INTO fgen (id, a) SELECT g, g FROM generate_series(14, 15) g;
INSERT INTO fgen (id, a) SELECT id + 20, tier FROM cust WHERE id < 3;
INSERT INTO fgen (id, a) SELECT id + 30, tier FROM cust WHERE id < 3 RETURNING *;
INSERT INTO fgenp VALUES (10, 5) RETURNING *;
INSERT INTO fgenp (id, a, b) SELECT g, g, 's' FROM generate_series(11, 12) g RETURNING *;
-- refused: any value of a SELECT source, a non-DEFAULT item of any VALUES row
INSERT INTO fgen (id, a, g) VALUES (40, 5, 7);
INSERT INTO fgen VALUES (40, 5, 7);
INSERT INTO fgen VALUES (40, 5, DEFAULT), (41, 4, 7);
INSERT INTO fgen (id, g) SELECT 40, NULL;
INSERT INTO fgen (id, g) SELECT id, tier FROM cust;
-- UPDATE: g = DEFAULT when a column it reads is set (or it is set to DEFAULT)
UPDATE fgen SET a = 7 WHERE id = 1 RETURNING *;
UPDATE fgen SET (a, g) = (8, DEFAULT) WHERE id = 2 RETURNING *;
UPDATE fgenp SET a = 10 WHERE id = 1 RETURNING *;
UPDATE fgenp SET b = 'z' WHERE id = 2 RETURNING *;
UPDATE fgenp SET g = DEFAULT WHERE id = 10 RETURNING *;
UPDATE fgenp SET a = a + length(random()::text) * 0 WHERE id = 11 RETURNING *;
UPDATE fgenp SET a = c.tier FROM cust c WHERE c.id = fgenp.id;
UPDATE fgen SET a = c.tier FROM cust c WHERE c.id + 10 = fgen.id RETURNING fgen.*, c.tier;
UPDATE fgen SET g = 1, a = 2 WHERE id = 1;
UPDATE fgen SET (a, g) = (1, 2) WHERE id = 1;
-- COPY leaves generated columns out; naming one is refused
COPY fgen (id, g) FROM STDIN;
COPY fgen (id, a) FROM STDIN;
50	50
\.
COPY fgen FROM STDIN;
51	51	c
\.
COPY fgen FROM STDIN;
52	52	3	c
\.
COPY fgenp (id, a) FROM STDIN;
50	50
\.
SELECT * FROM fgen ORDER BY id;
SELECT * FROM fgenp ORDER BY id;
