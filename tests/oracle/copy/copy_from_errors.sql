-- malformed COPY data: the error names the line (and column), nothing is kept
COPY items FROM STDIN;
1	ok	1	2024-01-01
2	fine	2	2024-01-02
x	bad	3	2024-01-03
4	never	4	2024-01-04
\.
SELECT count(*) FROM items;
COPY items FROM STDIN;
1	short	1
\.
COPY items FROM STDIN;
1	long	1	2024-01-01	extra
\.
COPY items FROM STDIN;
1	overflow	12345.678	2024-01-01
\.
COPY items FROM STDIN;
1	date	1	2024-02-30
\.
COPY items (id, born) FROM STDIN;
1	not a date at all
\.
COPY tagged (id, label, flag) FROM STDIN;
1	toolong	t
\.
COPY tagged (id, label, flag) FROM STDIN;
1	ok	maybe
\.
COPY items FROM STDIN (FORMAT csv);
1,"unterminated
\.
COPY items FROM STDIN (FORMAT csv);
1,x,1,2024-01-01
2,"quoted, but","more than", 2024-01-01, extra
\.
COPY items (id, name) FROM STDIN (FORMAT csv, HEADER match);
id,nom
1,x
\.
COPY items (id, name) FROM STDIN (FORMAT csv, HEADER match);
id
1,x
\.
COPY items (id, name) FROM STDIN (FORMAT csv, HEADER match);
id,
1,x
\.
COPY items FROM STDIN;
99999999999	big	1	2024-01-01
\.
COPY items FROM STDIN;
	empty id	1	2024-01-01
\.
SELECT count(*) FROM items;
-- the remote table's own constraints
COPY strict FROM STDIN;
1	1
2	-1
\.
COPY strict FROM STDIN;
\N	1
\.
SELECT count(*) FROM strict;
-- a remote table that is gone; nothing at all is sent for an empty COPY
COPY gone FROM STDIN;
1
\.
COPY gone FROM STDIN;
\.
-- an end-of-copy marker inside a text-format line: the data ends there, or is corrupt
COPY items (id, name) FROM STDIN;
71	one
72	two\.
73	never read
\.
COPY items (id, name) FROM STDIN;
74	fo\.ur
\.
COPY items (id, name) FROM STDIN (FORMAT csv);
75,a\.
\.
COPY items (id, name) FROM STDIN;
76	a\\.
\.
SELECT id, name FROM items WHERE id > 70 ORDER BY id;
