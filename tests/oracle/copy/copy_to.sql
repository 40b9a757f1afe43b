-- seed: INSERT INTO items VALUES (1, 'plain', 1.5, '2024-01-01'), (2, NULL, NULL, NULL), (3, E'tab\there', 0, '2000-02-29'), (4, E'back\\slash', 2.25, '0044-03-15 BC'), (5, E'two\nlines', -9.99, '1999-12-31'), (6, 'a, "quoted"', 7, '2024-02-29'), (7, '', 1, '2024-03-01'), (8, '\.', 2, '2024-03-02')
-- COPY (query) TO STDOUT: text and CSV output of every kind of value
COPY (SELECT * FROM items ORDER BY id) TO STDOUT;
COPY (SELECT * FROM items ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT name AS "Name", id FROM items ORDER BY id) TO STDOUT CSV HEADER;
COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT (FORMAT csv, FORCE_QUOTE *);
COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT (FORMAT csv, FORCE_QUOTE (name), QUOTE '''', ESCAPE '\', DELIMITER '|', NULL 'NUL');
COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT (DELIMITER '|', NULL '');
COPY (SELECT id, name FROM items ORDER BY id) TO STDOUT (HEADER);
COPY (SELECT id, price * 2 AS doubled, upper(name) FROM items WHERE id < 4 ORDER BY id) TO STDOUT;
COPY (SELECT count(*), sum(price) FROM items) TO STDOUT;
COPY (SELECT 1 AS one, 'x' AS x) TO STDOUT;
COPY (SELECT * FROM items WHERE false) TO STDOUT (FORMAT csv, HEADER);
COPY (SELECT i.id, o.id FROM items i JOIN other_items o ON o.id = i.id + 1 ORDER BY 1) TO STDOUT;
COPY (SELECT nosuch FROM items) TO STDOUT;
COPY (SELECT * FROM gone) TO STDOUT;
\o copy_to_output.txt
COPY (SELECT id FROM items WHERE id < 3 ORDER BY id) TO STDOUT;
\o
\! cat copy_to_output.txt
\! rm copy_to_output.txt
