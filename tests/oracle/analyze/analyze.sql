-- ANALYZE and VACUUM of foreign tables: psql + postgres_fdw 15 and fdwsh print the same.
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'postgres');
CREATE SERVER down FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$badport', dbname '$dbname');
CREATE USER MAPPING FOR CURRENT_USER SERVER down OPTIONS (user 'postgres');
CREATE FOREIGN TABLE analyzed (id int, tier int, name text) SERVER s;
CREATE FOREIGN TABLE fresh (id int, day date, amount numeric(10,2)) SERVER s;
CREATE FOREIGN TABLE empty (a int) SERVER s;
CREATE FOREIGN TABLE odd (c1 int OPTIONS (column_name 'C 1'), c2 text) SERVER s
    OPTIONS (schema_name 'Odd S', table_name 'T 1');
CREATE FOREIGN TABLE unreachable (a int) SERVER down;
CREATE SCHEMA other;
CREATE FOREIGN TABLE other.fresh (id int) SERVER s
    OPTIONS (schema_name 'public', table_name 'fresh');
-- the remote's own statistics, and a table read whole
ANALYZE analyzed;
ANALYZE VERBOSE analyzed;
ANALYZE VERBOSE fresh;
ANALYZE VERBOSE empty, odd;
ANALYZE (VERBOSE) odd (c2);
ANALYZE (VERBOSE true, SKIP_LOCKED) other.fresh;
ANALYZE (VERBOSE off) fresh;
ANALYZE VERBOSE public.odd (c1, c2);
-- errors: relations and options first, columns after the table's remote size is known
ANALYZE fresh (id, nosuch);
ANALYZE VERBOSE fresh (id, id);
ANALYZE VERBOSE fresh (nosuch);
ANALYZE nosuch;
ANALYZE analyzed, nosuch;
ANALYZE nosuch.fresh;
ANALYZE (BOGUS) fresh;
ANALYZE (VERBOSE maybe) fresh;
ANALYZE VERBOSE unreachable;
ANALYZE VERBOSE odd, unreachable;
BEGIN;
ANALYZE VERBOSE empty;
COMMIT;
-- VACUUM has nothing to do on foreign tables
VACUUM fresh;
VACUUM fresh, analyzed;
VACUUM (ANALYZE, VERBOSE) fresh;
VACUUM ANALYZE odd (c2);
VACUUM fresh (id);
VACUUM nosuch;
VACUUM (BOGUS) fresh;
BEGIN;
VACUUM fresh;
ROLLBACK;
