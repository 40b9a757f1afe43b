-- Output formats on foreign-table results: expanded, borders, tuples only, NULL display,
-- unaligned with separators, CSV, titles and footers.
\pset null '(null)'
\x
SELECT id, c_text, c_textarr, c_json FROM ft_types ORDER BY id;
SELECT * FROM orders WHERE id = 400;
SELECT * FROM orders WHERE false;
\x off
\pset border 2
SELECT c1, c3, c6 FROM ft1 WHERE c1 IN (9, 10) ORDER BY c1;
\pset border 0
SELECT c1, c3, c6 FROM ft1 WHERE c1 IN (9, 10) ORDER BY c1;
\pset border 1
\pset title 'Regions'
SELECT * FROM regions ORDER BY id;
\pset title
\pset footer off
SELECT * FROM regions ORDER BY id;
\pset footer on
\t on
SELECT id, status FROM orders ORDER BY id LIMIT 3;
\t off
\a
SELECT id, c_text, c_char FROM ft_types ORDER BY id;
\pset fieldsep ';'
SELECT id, note FROM orders WHERE note IS NOT NULL ORDER BY id LIMIT 4;
\pset recordsep '|'
SELECT id FROM regions ORDER BY id;
\pset recordsep '\n'
\a
\pset format csv
SELECT id, note, status FROM orders WHERE note IS NOT NULL ORDER BY id LIMIT 6;
SELECT id, c_text, c_textarr, c_json, c_bytea FROM ft_types ORDER BY id;
\pset csv_fieldsep ';'
SELECT id, c_textarr FROM ft_types ORDER BY id;
\pset format aligned
\x auto
SELECT id, name FROM regions ORDER BY id;
\x off
\pset expanded off
SELECT id, c_text FROM ft_types WHERE id = 3 \gx
SELECT count(*) FROM orders \g
\pset format wrapped
\pset columns 60
SELECT id, c_text, c_json, c_textarr FROM ft_types ORDER BY id;
\x on
SELECT id, c_text, c_json, c_textarr FROM ft_types WHERE id IN (2, 3) ORDER BY id;
