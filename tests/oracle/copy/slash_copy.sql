-- \copy: files, stdin/stdout, pstdout, programs, and psql's argument parsing
\copy items from 'items.tsv'
\copy items (id, name) from items.csv with (format csv, header)
\copy public.items (id, name) from stdin csv
20,"from the script"
\.
\copy "items" (id) from stdin with (format csv) ;
21
\.
\copy (SELECT id, name FROM items ORDER BY id) to stdout
\copy (SELECT id FROM items WHERE id > 20 ORDER BY id) to pstdout
\copy (SELECT id, name FROM items ORDER BY id) to 'out.csv' with (format csv, header)
\! cat out.csv
\copy (SELECT id FROM items WHERE id < 3 ORDER BY id) to program 'cat > prog.txt'
\! cat prog.txt
\copy items (id, name) from program 'printf "30\tprog\n"'
\copy items from program 'exit 3'
\copy (SELECT 1) to program 'cat > /dev/null; exit 4'
\copy items (id, name) from 'latin1.tsv'
\copy items (id, name) from 'latin1.tsv' (encoding 'latin1')
\copy items (id, name) from 'latin1.tsv' with (format csv, delimiter E'\t', encoding 'WIN1252')
\copy (SELECT 'café' AS x) to 'latin1_out.txt' (encoding 'latin1')
\! od -c latin1_out.txt
\copy (SELECT 'caf✓' AS x) to 'latin1_out.txt' (encoding 'latin1')
COPY (SELECT 1 AS a) TO STDOUT \g gout.txt
\! cat gout.txt
\o oout.txt
\copy (SELECT 2) to pstdout
\copy (SELECT 3) to stdout
\o
\! cat oout.txt
\i sub.sql
\copy items (id, name) from 'crlf.tsv'
\copy items (id, name) from 'cr_inside.tsv'
\copy items (id, name) from 'crlf_quoted.csv' csv
\copy items (id, name) from 'cr_unquoted.csv' csv
\copy items (id, name) from 'cr_quoted.csv' csv
\copy items (id, name) from 'cr_late.tsv'
SELECT id, replace(name, E'\r', '<CR>') AS name FROM items WHERE strpos(name, E'\r') > 0 ORDER BY 2;
SELECT id, name FROM items ORDER BY id;
\copy items from 'nonexistent.tsv'
\copy items from .
\copy items to stdout
\copy
\copy items
\copy items (id from stdin
\copy items frm stdin
\copy items from program cat
\copy items from stdin (format xml)
\copy (SELECT 1 AS a) to stdout (format csv, force_quote (b))
\copy items from stdin
x	bad
\.
SELECT count(*) FROM items;
