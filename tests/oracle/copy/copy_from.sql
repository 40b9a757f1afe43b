-- COPY FROM STDIN into foreign tables: text format, escapes, NULLs, column lists
COPY items FROM STDIN;
1	plain	1.5	2024-01-01
2	\N	\N	\N
3	tab\there	0	2000-02-29
4	back\\slash	12.345	1999-12-31
5	new\nline	-9.99	0044-03-15 BC
6	\x41\101	1	2024-02-29
\.
SELECT * FROM items ORDER BY id;
COPY items (id, name) FROM STDIN;
7	only two
\.
COPY items (born, id) FROM STDIN;
2020-05-05	8
\.
SELECT * FROM items WHERE id >= 7 ORDER BY id;
-- delimiter and NULL string, old and new syntax
COPY items FROM STDIN WITH DELIMITER '|' NULL 'nil';
9|pipe \| inside|nil|nil
\.
COPY items FROM STDIN (DELIMITER ';', NULL '');
10;;;
\.
SELECT * FROM items WHERE id >= 9 ORDER BY id;
-- odd names: a remote column and schema with spaces
COPY odd FROM STDIN;
1	one
2	\N
\.
SELECT * FROM odd ORDER BY c1;
-- an empty COPY
COPY items FROM STDIN;
\.
-- HEADER in text format skips the first line
COPY items (id, name) FROM STDIN (HEADER);
id	name
11	after header
\.
COPY items (id, name) FROM STDIN (HEADER match);
id	name
12	matched
\.
SELECT id, name FROM items WHERE id >= 11 ORDER BY id;
-- ENCODING names are accepted
COPY items (id) FROM STDIN (ENCODING 'UTF8');
13
\.
SELECT count(*) FROM items;
-- columns left out get the foreign table's DEFAULT (evaluated locally), else NULL
COPY defaulted (id) FROM STDIN;
20
\.
COPY defaulted (born, id) FROM STDIN;
1999-01-01	21
\.
SELECT * FROM items WHERE id >= 20 ORDER BY id;
-- WHERE keeps the rows its condition is true for (defaults filled in first)
COPY defaulted (id, price) FROM STDIN WHERE id > 30 AND (price IS NULL OR price < 10);
30	1
31	2
32	30
33	\N
\.
COPY items FROM STDIN WHERE items.name LIKE 'k%';
40	keep	1	2024-01-01
41	drop	1	2024-01-01
\.
SELECT * FROM items WHERE id >= 30 ORDER BY id;
