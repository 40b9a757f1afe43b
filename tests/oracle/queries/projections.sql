-- Projections: expressions, aliases (quoted, with spaces), CASE, NULL handling, functions.
SELECT c1, c2 * 10 + c1 AS calc, c1 % 3 AS modulo, c1::numeric / 8 AS eighths
FROM ft1 WHERE c1 < 5 ORDER BY c1;
SELECT c1 AS "Number One", c3 AS "text ""quoted""", c2 AS "UPPER" FROM ft1 WHERE c1 < 3
ORDER BY 1;
SELECT c3 || '-' || c6 AS joined, c3 || '/' || coalesce(c6, '') AS slash, c6 IS NULL AS missing
FROM ft1 WHERE c1 BETWEEN 8 AND 11 ORDER BY c1;
SELECT id, CASE status WHEN 'new' THEN 1 WHEN 'paid' THEN 2 ELSE 0 END AS code,
       CASE WHEN amount > 500 THEN 'big' ELSE 'small' END AS size
FROM orders WHERE id <= 6 ORDER BY id;
SELECT id, coalesce(email, '(none)') AS email, nullif(region_id, 1) AS not_north
FROM customers WHERE id BETWEEN 12 AND 15 ORDER BY id;
SELECT greatest(c1, 50) AS g, least(c1, c2) AS l FROM ft1 WHERE c1 IN (3, 77) ORDER BY c1;
SELECT upper(name) AS up, lower(name) AS low, length(name) AS len, substr(name, 10) AS tail,
       replace(name, 'Customer', 'C') AS short, left(name, 3) AS l3, right(name, 2) AS r2
FROM customers WHERE id IN (1, 42) ORDER BY id;
SELECT split_part(email, '@', 2) AS domain, position('@' IN email) AS at,
       lpad(id::text, 5, '*') AS padded, reverse(name) AS rev
FROM customers WHERE id IN (1, 7, 8) ORDER BY id;
SELECT abs(-c1) AS a, round(c1 / 7.0, 3) AS r, trunc(c1 / 7.0, 1) AS t, ceil(c1 / 7.0) AS c,
       floor(c1 / 7.0) AS f, power(c2, 2) AS p, sqrt(c1) AS s
FROM ft1 WHERE c1 IN (1, 50, 99) ORDER BY c1;
SELECT id, signup, signup - date '2020-01-01' AS days, age(date '2030-01-01', signup) AS age
FROM customers WHERE id IN (1, 30, 60) ORDER BY id;
SELECT id, amount, amount::text AS txt,
       amount::float8 AS f, (amount * qty)::numeric(12, 1) AS total
FROM orders WHERE id IN (1, 2, 399) ORDER BY id;
SELECT 1 AS one, 'lit' AS lit, NULL AS nothing, c1 FROM ft1 WHERE c1 = 1;
SELECT c1, c1 > 5 AS big, c1 = 1 OR c6 IS NULL AS flag FROM ft1 WHERE c1 IN (1, 10, 11)
ORDER BY c1;
SELECT t.* FROM ft1 t WHERE t.c1 = 2;
SELECT t.c1, t.* FROM ft1 AS t WHERE t.c1 = 3;
SELECT ft1 FROM ft1 WHERE c1 = 4;
SELECT row(c1, c3) AS r FROM ft1 WHERE c1 = 5;
SELECT ARRAY[c1, c2] AS arr, array[c3] AS tarr FROM ft1 WHERE c1 = 6;
SELECT id, status::varchar(4) AS v4, id::bigint * 1000000000 AS big, id::real / 3 AS third
FROM orders WHERE id IN (1, 2) ORDER BY id;
SELECT id, md5(name) AS md5, encode(c_bytea, 'hex') AS hex
FROM customers JOIN ft_types USING (id) WHERE id = 3;
SELECT c1, c4, c5, c5 + interval '36 hours' AS later FROM ft1 WHERE c1 IN (1, 100) ORDER BY c1;
TABLE regions;
SELECT * FROM ONLY ft1 WHERE c1 = 1;
SELECT c1, c1, c1 AS c1 FROM ft1 WHERE c1 = 1;
SELECT t FROM regions t ORDER BY id;
SELECT c_textarr[2:3] AS sl, c_jsonb #> '{nested,deep}' AS deep, c_jsonb ? 'a' AS has_a
FROM ft_types ORDER BY id;
SELECT 1 AS a FROM ft_one_row; SELECT 2 AS b FROM ft_one_row;
\set lim 3
\set st 'paid'
SELECT id FROM orders WHERE status = :'st' ORDER BY id LIMIT :lim;
SELECT ctid, c1 FROM ft1 WHERE c1 <= 2 ORDER BY c1;
