-- psql-args: -A -t
-- Unaligned, tuples-only output from the command line.
SELECT * FROM ft_types ORDER BY id;
SELECT c1, c6, c7 FROM ft1 WHERE c1 <= 12 ORDER BY c1;
SELECT count(*) FROM orders;
