-- IMPORT FOREIGN SCHEMA through psql + postgres_fdw and through fdwsh (tests/test_import_schema.py):
-- $host, $port and $dbname name the remote database loaded from remote.sql, $badport a port
-- where nothing listens.  Every failing statement must leave the catalog as it was.
CREATE EXTENSION postgres_fdw;
CREATE SERVER "Rem; ""S""" FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE USER MAPPING FOR CURRENT_USER SERVER "Rem; ""S""" OPTIONS (user 'postgres');
CREATE SCHEMA imp;
CREATE SCHEMA "Loc ""al"" ✓";
CREATE SCHEMA opts;
CREATE SCHEMA parts;
-- the whole schema
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" FROM SERVER "Rem; ""S""" INTO imp;
\det+ imp.*
\d+ imp.*
-- LIMIT TO: partitions only when named, unknown names ignored
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (part1, "Upper ""Q"" Ünï", "T; x", nosuch, seq, typed_id, comp)
    FROM SERVER "Rem; ""S""" INTO "Loc ""al"" ✓";
\det+ "Loc ""al"" ✓".*
\d+ "Loc ""al"" ✓".*
-- the options: defaults, no collations, no NOT NULL, generated columns as plain ones
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (parted, v1, "Upper ""Q"" Ünï", gen) FROM SERVER "Rem; ""S""" INTO opts
    OPTIONS (import_default 'true', import_collate 'off', import_not_null 'FALSE', import_generated 'false');
\d+ opts.*
-- generated columns with defaults imported too (a generated column takes no DEFAULT)
CREATE SCHEMA gens;
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (gen) FROM SERVER "Rem; ""S""" INTO gens
    OPTIONS (import_default 'on');
\d gens.gen
-- collations: built-in ones are found, a remote schema's own one is not
CREATE SCHEMA colls;
IMPORT FOREIGN SCHEMA colls LIMIT TO (builtin) FROM SERVER "Rem; ""S""" INTO colls;
\d colls.builtin
IMPORT FOREIGN SCHEMA colls LIMIT TO (own) FROM SERVER "Rem; ""S""" INTO colls;
IMPORT FOREIGN SCHEMA colls LIMIT TO (own) FROM SERVER "Rem; ""S""" INTO colls
    OPTIONS (import_collate 'false');
\d colls.own
-- the last of a repeated option counts
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (parted) FROM SERVER "Rem; ""S""" INTO parts
    OPTIONS (import_default 'true', import_default 'off', import_not_null 'on');
\d+ parts.*
-- an empty schema imports nothing
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public;
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (nosuch) FROM SERVER "Rem; ""S""" INTO public;
-- errors, each changing nothing
IMPORT FOREIGN SCHEMA nosuch FROM SERVER "Rem; ""S""" INTO public;
IMPORT FOREIGN SCHEMA "imp ""s"" 1" FROM SERVER "Rem; ""S""" INTO public;
IMPORT FOREIGN SCHEMA nosuch FROM SERVER "Rem; ""S""" INTO nosuch;
IMPORT FOREIGN SCHEMA nosuch FROM SERVER nowhere INTO nosuch;
IMPORT FOREIGN SCHEMA nosuch FROM SERVER "rem; ""s""" INTO public;
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public OPTIONS (import_default 'maybe');
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public OPTIONS (import_collate '1');
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public OPTIONS (import_not_null 'yes');
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public OPTIONS (bogus 'true');
IMPORT FOREIGN SCHEMA empty FROM SERVER "Rem; ""S""" INTO public OPTIONS (fetch_size '10');
-- an existing name fails the whole import: aaa, created first, is gone again
IMPORT FOREIGN SCHEMA clash FROM SERVER "Rem; ""S""" INTO imp;
-- types the local side does not have
IMPORT FOREIGN SCHEMA dom FROM SERVER "Rem; ""S""" INTO public;
-- defaults that name remote objects (serial's sequence): regclass finds no such relation here
IMPORT FOREIGN SCHEMA "Imp ""S"" 1" LIMIT TO (typed) FROM SERVER "Rem; ""S""" INTO public
    OPTIONS (import_default 'true');
\det+
-- a server without a user mapping, a server where nothing listens
CREATE SERVER nomap FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$host', port '$port', dbname '$dbname');
IMPORT FOREIGN SCHEMA empty FROM SERVER nomap INTO public;
CREATE SERVER down FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$host', port '$badport', dbname '$dbname');
CREATE USER MAPPING FOR public SERVER down OPTIONS (user 'postgres');
IMPORT FOREIGN SCHEMA empty FROM SERVER down INTO public;
-- inside a transaction block: ROLLBACK undoes the import; a failed import fails the block
BEGIN;
IMPORT FOREIGN SCHEMA clash LIMIT TO (aaa) FROM SERVER "Rem; ""S""" INTO public;
\det
ROLLBACK;
BEGIN;
IMPORT FOREIGN SCHEMA clash LIMIT TO (aaa) FROM SERVER "Rem; ""S""" INTO public;
SAVEPOINT sp;
IMPORT FOREIGN SCHEMA clash LIMIT TO (aaa) FROM SERVER "Rem; ""S""" INTO public;
SELECT 1;
ROLLBACK TO SAVEPOINT sp;
COMMIT;
\det
-- the imported tables answer queries
SELECT * FROM "Loc ""al"" ✓"."T; x";
SELECT "Col A", "B; c" FROM "Loc ""al"" ✓"."Upper ""Q"" Ünï";
