-- psql-args: --csv
-- CSV output mode from the command line (header, quoting of commas, quotes, newlines).
SELECT * FROM ft_types ORDER BY id;
SELECT * FROM orders WHERE note IS NOT NULL ORDER BY id;
SELECT * FROM "Odd Table" ORDER BY "col a";
