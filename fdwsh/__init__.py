"""fdwsh: a gsql/psql-style shell that does postgres_fdw's job on the client side."""

__version__ = "0.1.0"
