-- postgres_fdw's connection functions (run on a fresh database and a fresh catalog; $host,
-- $port and $dbname name the bed's remote database).  Before CREATE EXTENSION they do not exist.
SELECT postgres_fdw_disconnect('loopback');
SELECT * FROM postgres_fdw_get_connections();
SELECT postgres_fdw_disconnect_all();
CREATE EXTENSION postgres_fdw;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE SERVER "loop back, 2" FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE SERVER unused FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'postgres');
CREATE USER MAPPING FOR CURRENT_USER SERVER "loop back, 2" OPTIONS (user 'postgres');
CREATE FOREIGN TABLE ft_a (id int, name text) SERVER loopback OPTIONS (table_name 'regions');
CREATE FOREIGN TABLE ft_b (id int, name text) SERVER "loop back, 2"
    OPTIONS (table_name 'regions');
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
-- queries open connections, which stay open
SELECT name FROM ft_a WHERE id = 1;
SELECT name FROM ft_b WHERE id = 2;
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
SELECT postgres_fdw_get_connections() ORDER BY 1;
SELECT server_name, valid FROM postgres_fdw_get_connections() AS c
 WHERE valid ORDER BY server_name DESC;
SELECT c.server_name, g FROM postgres_fdw_get_connections() c, generate_series(1, 2) g
 ORDER BY 1, 2;
-- disconnecting one server
SELECT postgres_fdw_disconnect('unused');
SELECT postgres_fdw_disconnect('nosuch');
SELECT postgres_fdw_disconnect(NULL);
SELECT postgres_fdw_disconnect('loopback');
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
SELECT postgres_fdw_disconnect('loopback');
SELECT name FROM ft_a WHERE id = 3;
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
-- and all of them
SELECT public.postgres_fdw_disconnect_all();
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
SELECT postgres_fdw_disconnect_all();
SELECT * FROM postgres_fdw_disconnect_all() AS d(closed);
-- a changed server drops its idle connection; keep_connections 'off' closes after each query
SELECT name FROM ft_a WHERE id = 4;
ALTER SERVER loopback OPTIONS (ADD fetch_size '50');
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
ALTER SERVER "loop back, 2" OPTIONS (ADD keep_connections 'off');
SELECT name FROM ft_b WHERE id = 5;
SELECT name FROM ft_a WHERE id = 5;
SELECT * FROM postgres_fdw_get_connections() ORDER BY 1;
-- wrong calls
SELECT postgres_fdw_disconnect(1);
SELECT postgres_fdw_disconnect('a', 'b');
SELECT pg_catalog.postgres_fdw_disconnect_all();
SELECT nosuch.postgres_fdw_disconnect_all();
SELECT * FROM postgres_fdw_get_connections() AS c(a text, b bool);
SELECT * FROM postgres_fdw_get_connections() AS c(a, b, c);
SELECT 1 WHERE postgres_fdw_get_connections() IS NULL;
-- the functions live in the extension's schema, found along the search path
SET search_path = pg_catalog;
SELECT postgres_fdw_disconnect_all();
SELECT public.postgres_fdw_disconnect_all();
RESET search_path;
DROP EXTENSION postgres_fdw CASCADE;
SELECT postgres_fdw_disconnect_all();
CREATE SCHEMA fdw;
CREATE EXTENSION postgres_fdw SCHEMA fdw;
SELECT * FROM postgres_fdw_get_connections();
SELECT * FROM fdw.postgres_fdw_get_connections();
SET search_path = public, fdw;
SELECT postgres_fdw_disconnect_all();
