-- Every type of ft_types printed as psql prints it: aligned, expanded, unaligned and CSV,
-- with NULL shown by \pset null; then expressions over each type (evaluated remotely by
-- both implementations: the remote session is pinned to ISO dates, UTC and
-- extra_float_digits 3).
SELECT * FROM ft_types ORDER BY id;
\pset null '<null>'
SELECT id, c_int2, c_int4, c_int8 FROM ft_types ORDER BY id;
SELECT id, c_num, c_num2, c_num0 FROM ft_types ORDER BY id;
SELECT id, c_real, c_double FROM ft_types ORDER BY id;
SELECT id, c_bool, c_text, c_char, c_varchar FROM ft_types ORDER BY id;
SELECT id, c_bytea FROM ft_types ORDER BY id;
SELECT id, c_date, c_time, c_timetz FROM ft_types ORDER BY id;
SELECT id, c_ts, c_tstz, c_interval FROM ft_types ORDER BY id;
SELECT id, c_uuid, c_json, c_jsonb FROM ft_types ORDER BY id;
SELECT id, c_intarr, c_textarr FROM ft_types ORDER BY id;
\x on
SELECT * FROM ft_types WHERE id IN (2, 3) ORDER BY id;
\x off
\pset format unaligned
SELECT * FROM ft_types ORDER BY id;
\pset format csv
SELECT * FROM ft_types ORDER BY id;
\pset format aligned
-- expressions over the types
SELECT id, c_int4 + 1 AS plus, c_int8 / 7 AS div, c_int2 * 2 AS times, -c_int4 AS neg
FROM ft_types WHERE id IN (1, 5, 6) ORDER BY id;
SELECT id, c_num2 * 3 AS num_times, round(c_num, 2) AS rounded, c_num0 / 7 AS num_div,
       c_num2::int AS as_int
FROM ft_types WHERE id IN (1, 5, 6) ORDER BY id;
SELECT id, c_real * 2 AS real2, c_double / 3 AS third, c_real::double precision AS widened
FROM ft_types WHERE id IN (1, 5, 6) ORDER BY id;
SELECT id, NOT c_bool AS negated, length(c_text) AS len, upper(c_text) AS up,
       length(c_char) AS char_len, octet_length(c_char) AS char_octets, c_varchar || '|' AS bar
FROM ft_types ORDER BY id;
SELECT id, octet_length(c_bytea) AS bytes, c_bytea || '\xff'::bytea AS appended
FROM ft_types WHERE c_bytea IS NOT NULL ORDER BY id;
SELECT id, c_date + 1 AS next_day, c_ts + interval '1 hour' AS later,
       c_tstz - interval '1 day' AS earlier, c_interval * 2 AS twice
FROM ft_types WHERE id IN (1, 5, 6) ORDER BY id;
SELECT id, c_jsonb -> 'a' AS a, c_jsonb ->> 'num' AS num, c_json::text AS json_text,
       jsonb_typeof(c_jsonb) AS kind
FROM ft_types ORDER BY id;
SELECT id, c_intarr[2] AS second, array_length(c_intarr, 1) AS len, c_textarr[1] AS first,
       cardinality(c_textarr) AS card
FROM ft_types ORDER BY id;
SELECT id, c_int4::text AS t, c_uuid::text AS u, c_date::timestamp AS ts, c_bool::int AS b
FROM ft_types WHERE id IN (1, 3, 5) ORDER BY id;
