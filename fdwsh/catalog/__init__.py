"""The local catalog: extensions, foreign-data wrappers, servers, user mappings, schemas and
foreign tables, kept in SQLite.  Never opens a remote connection."""
