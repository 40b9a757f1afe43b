-- Unqualified names follow SET search_path: where CREATE puts a foreign table, what DROP and
-- the listings find.
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
CREATE SCHEMA app;
CREATE FOREIGN TABLE t0 (a int) SERVER s;
SET search_path = app, public;
CREATE FOREIGN TABLE t1 (a int) SERVER s;
\det
\d t1
SET search_path = public;
\det
DROP FOREIGN TABLE t1;
DROP FOREIGN TABLE app.t1;
SET search_path = nosuch;
CREATE FOREIGN TABLE t2 (a int) SERVER s;
\dE
RESET search_path;
\dE
