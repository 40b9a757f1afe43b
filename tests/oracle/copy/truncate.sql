-- seed: INSERT INTO items VALUES (1, 'a', 1, '2024-01-01'), (2, 'b', 2, '2024-01-02'); INSERT INTO items2 VALUES (3); INSERT INTO tagged (label, flag) VALUES ('x', true), ('y', false); INSERT INTO frozen VALUES (1)
-- TRUNCATE of foreign tables: identity, cascade, truncatable, several servers
TRUNCATE items;
SELECT count(*) FROM items;
TRUNCATE TABLE tagged RESTART IDENTITY;
SELECT count(*) FROM tagged;
TRUNCATE frozen;
SELECT count(*) FROM frozen;
TRUNCATE other_tagged;
TRUNCATE items, frozen;
TRUNCATE nosuch;
TRUNCATE items, nosuch;
TRUNCATE gone;
TRUNCATE items, other_items CONTINUE IDENTITY RESTRICT;
TRUNCATE ONLY items CASCADE;
TRUNCATE items, items;
SELECT count(*) FROM frozen;
