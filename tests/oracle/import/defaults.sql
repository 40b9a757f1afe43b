-- Defaults IMPORT FOREIGN SCHEMA (import_default) brings that name relations: regclass
-- constants must name an existing relation, with regclassin()'s errors at the constant.
CREATE EXTENSION postgres_fdw;
CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
CREATE FOREIGN TABLE ft (a int) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('seq'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('public.seq'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('nosuch.seq'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('"Pub".seq'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('a.b.c.d'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('x.y.z'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval('"a'::regclass)) SERVER s;
CREATE FOREIGN TABLE t1 (a int DEFAULT nextval(''::regclass)) SERVER s;
