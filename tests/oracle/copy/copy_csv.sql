-- COPY FROM STDIN in CSV: quotes, embedded delimiters and newlines, NULL vs empty
COPY items FROM STDIN WITH (FORMAT csv);
1,"a, b",1.25,2024-01-01
2,,,
3,"",0,2024-01-02
4,"say ""hi""",2,2024-01-03
5,"two
lines",3,2024-01-04
\.
SELECT id, name, name IS NULL AS null_name, price, born FROM items ORDER BY id;
COPY items FROM STDIN CSV HEADER;
id,name,price,born
6,six,6,2024-06-06
\.
COPY items (id, name) FROM STDIN (FORMAT csv, HEADER match);
id,name
7,seven
\.
-- QUOTE, ESCAPE, DELIMITER, NULL
COPY items (id, name) FROM STDIN (FORMAT csv, QUOTE '''', ESCAPE '\', DELIMITER ';');
8;'it\'s; fine'
9;'back\\slash \x'
\.
COPY items (id, name, price) FROM STDIN (FORMAT csv, NULL 'N');
10,N,N
11,"N",1
\.
-- FORCE_NOT_NULL and FORCE_NULL
COPY items (id, name, price) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (name));
12,,1
\.
COPY items (id, name, price) FROM STDIN (FORMAT csv, FORCE_NULL (name, price));
13,"",""
14,x,""
\.
COPY items (id, name) FROM STDIN CSV FORCE NOT NULL name;
15,
\.
SELECT id, name, name IS NULL AS null_name, price FROM items WHERE id >= 6 ORDER BY id;
