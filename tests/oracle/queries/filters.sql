-- WHERE clauses of every common shape, on single foreign tables.
SELECT c1, c2, c3 FROM ft1 WHERE c1 = 7;
SELECT c1, c2 FROM ft1 WHERE c1 <> 1 AND c1 < 6 ORDER BY c1;
SELECT c1, c3 FROM ft1 WHERE c1 BETWEEN 50 AND 55 ORDER BY c1 DESC;
SELECT c1 FROM ft1 WHERE c1 NOT BETWEEN 3 AND 118 ORDER BY c1;
SELECT c1, c2 FROM ft1 WHERE c2 IN (1, 3) AND c1 < 30 ORDER BY c1;
SELECT c1 FROM ft1 WHERE c1 NOT IN (1, 2, 3) AND c1 <= 6 ORDER BY c1;
SELECT c1, c6, c7 FROM ft1 WHERE c6 IS NULL ORDER BY c1;
SELECT count(*) FROM ft1 WHERE c7 IS NOT NULL;
SELECT c1, c6 FROM ft1 WHERE c6 IS DISTINCT FROM '3' AND c1 < 8 ORDER BY c1;
SELECT c1, c6 FROM ft1 WHERE c6 IS NOT DISTINCT FROM NULL AND c1 < 50 ORDER BY c1;
SELECT c1, c3 FROM ft1 WHERE c3 LIKE '0001%' ORDER BY c1;
SELECT c1, c3 FROM ft1 WHERE c3 NOT LIKE '%0' AND c1 > 115 ORDER BY c1;
SELECT name FROM customers WHERE name ILIKE '%r 1_' ORDER BY name;
SELECT name FROM customers WHERE name ~ '5$' ORDER BY name;
SELECT c1 FROM ft1 WHERE (c1 < 3 OR c1 > 118) AND NOT c2 = 0 ORDER BY c1;
SELECT id, c_bool FROM ft_types WHERE c_bool ORDER BY id;
SELECT id, c_bool FROM ft_types WHERE NOT c_bool ORDER BY id;
SELECT id, c_bool FROM ft_types WHERE c_bool IS UNKNOWN ORDER BY id;
SELECT c1 FROM ft1 WHERE c1 = ANY (ARRAY[5, 10, 500]) ORDER BY c1;
SELECT c1 FROM ft1 WHERE c1 > ALL (ARRAY[100, 115]) ORDER BY c1;
SELECT id, email FROM customers WHERE coalesce(email, 'none') = 'none' ORDER BY id;
SELECT id, status FROM orders
WHERE CASE WHEN status = 'paid' THEN amount > 990 ELSE false END ORDER BY id;
SELECT id, signup FROM customers WHERE signup >= date '2021-06-01' AND signup < '2021-09-01'
ORDER BY id;
SELECT id, ordered_at FROM orders
WHERE ordered_at > timestamp '2023-12-30' ORDER BY ordered_at LIMIT 3;
SELECT c1, c4 FROM ft1 WHERE c4 = '1970-01-11 00:00:00+00' ORDER BY c1;
SELECT id, c_num FROM ft_types WHERE c_num > 1 ORDER BY id;
SELECT id, c_real FROM ft_types WHERE c_real = 'NaN' OR c_double = 'Infinity' ORDER BY id;
SELECT id FROM ft_types WHERE c_jsonb @> '{"a": 1}';
SELECT id FROM ft_types WHERE c_intarr @> ARRAY[3] ORDER BY id;
SELECT id FROM ft_types WHERE c_text = '' OR c_char = '' ORDER BY id;
SELECT id FROM ft_types WHERE c_uuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
SELECT c1 FROM ft1 WHERE false;
SELECT count(*) FROM orders WHERE note IS NOT NULL AND status <> 'new';
