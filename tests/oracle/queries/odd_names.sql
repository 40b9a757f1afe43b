-- Quoted identifiers and odd names: a remote "S 1"."T 1" with "C 1" (column_name option),
-- a remote table named 'Odd "Name" Table', a local schema and table with spaces.
SELECT * FROM "Odd Table" ORDER BY "col a";
SELECT "col a", "UPPER", "qu""ote", "select", "MiXeD Case" FROM "Odd Table"
WHERE "MiXeD Case" ORDER BY 1;
SELECT o."select" + 1 AS "select", o."UPPER" AS "Upper Case", o."qu""ote" AS "a""b"
FROM "Odd Table" AS o WHERE o."qu""ote" IS NOT NULL ORDER BY 1;
SELECT "UPPER" FROM public."Odd Table" WHERE "qu""ote" LIKE '%''%';
SELECT "qu""ote" FROM "Odd Table" WHERE "qu""ote" = 'back\slash';
SELECT * FROM "My Schema"."T 1" WHERE "C 1" <= 3 ORDER BY "C 1";
SELECT t."C 1", t.c3 FROM "My Schema"."T 1" t JOIN ft1 ON ft1.c1 = t."C 1"
WHERE t."C 1" > 118 ORDER BY 1;
SELECT count(*) AS "Row Count", max("C 1") AS "MAX" FROM "My Schema"."T 1";
SELECT c1 AS "C 1", c2 AS "c 2", c7 AS "Ünïcödé" FROM ft1 WHERE c1 = 2;
SELECT "T"."c1" FROM ft1 AS "T" WHERE "T".c1 = 1;
SELECT * FROM public.ft1 WHERE c1 = 1;
SELECT c1, c7, length(c7) AS len, octet_length(c7) AS octets FROM ft1 WHERE c1 IN (1, 7)
ORDER BY c1;
