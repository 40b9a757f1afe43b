"""PostgreSQL's own quoting rules, as the ``\\d`` listings show option lists and ACLs.

``quote_ident`` and ``quote_literal`` are ruleutils.c's quote_identifier() and quote.c's
quote_literal(); ``options_cell``/``options_list`` build what psql's describe.c queries build with
``quote_ident(option_name) || ' ' || quote_literal(option_value)``; ``acl_role`` is acl.c's putid().
The keyword table is PostgreSQL 15's (``pg_get_keywords()`` minus the unreserved words), because
the oracle is psql 15: a newer grammar (pglast 8 speaks 17) reserves words 15 did not.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Keywords of PostgreSQL 15 that quote_identifier() quotes: every category but UNRESERVED
#: (col_name, type_func_name and reserved), as ``SELECT word FROM pg_get_keywords() WHERE
#: catcode <> 'U'`` lists them.  tests/test_patterns.py checks this table against the server.
QUOTED_KEYWORDS: frozenset[str] = frozenset(
    # col_name keywords (C)
    "between bigint bit boolean char character coalesce dec decimal exists extract float greatest "
    "grouping inout int integer interval least national nchar none normalize nullif numeric out "
    "overlay position precision real row setof smallint substring time timestamp treat trim "
    "values varchar xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse "
    "xmlpi xmlroot xmlserialize xmltable "
    # reserved keywords (R)
    "all analyse analyze and any array as asc asymmetric both case cast check collate column "
    "constraint create current_catalog current_date current_role current_time current_timestamp "
    "current_user default deferrable desc distinct do else end except false fetch for foreign "
    "from grant group having in initially intersect into lateral leading limit localtime "
    "localtimestamp not null offset on only or order placing primary references returning select "
    "session_user some symmetric table then to trailing true union unique user using variadic "
    "when where window with "
    # type_func_name keywords (T)
    "authorization binary collation concurrently cross current_schema freeze full ilike inner is "
    "isnull join left like natural notnull outer overlaps right similar tablesample verbose"
    .split()
)

_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyz_")
_IDENT_CHARS = _IDENT_START | frozenset("0123456789")


def quote_ident(name: str) -> str:
    r'''Quote ``name`` only when PostgreSQL would: not all ``[a-z0-9_]``, a leading digit, or a
    keyword that is not unreserved.

    >>> print(quote_ident("host"), quote_ident("user"), quote_ident("Port"), quote_ident("a$"))
    host "user" "Port" "a$"
    >>> print(quote_ident('say "hi"'), quote_ident("1abc"), quote_ident(""))
    "say ""hi""" "1abc" ""
    '''
    safe = bool(name) and name[0] in _IDENT_START and all(ch in _IDENT_CHARS for ch in name)
    if safe and name not in QUOTED_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    r"""quote_literal(text): single quotes and backslashes doubled; ``E`` prefix when a backslash
    was present (so the literal reads the same whatever standard_conforming_strings says).

    >>> print(quote_literal("it's"), quote_literal("a\\b"))
    'it''s' E'a\\b'
    """
    body = value.replace("'", "''").replace("\\", "\\\\")
    return ("E'" if "\\" in value else "'") + body + "'"


def options_list(options: Iterable[tuple[str, str]]) -> str:
    r"""``name 'value', ...`` in the catalog's order, as ``\d`` prints after ``FDW options:``.

    >>> print(options_list([("host", "h"), ("user", "bob")]))
    host 'h', "user" 'bob'
    """
    return ", ".join(f"{quote_ident(k)} {quote_literal(v)}" for k, v in options)


def options_cell(options: Iterable[tuple[str, str]]) -> str:
    """The listings' ``FDW options`` cell: ``(...)``, or empty text when there are no options
    (PostgreSQL stores an emptied option list as NULL and psql maps NULL to '').

    >>> options_cell([("fetch_size", "100")]), options_cell([])
    ("(fetch_size '100')", '')
    """
    text = options_list(options)
    return f"({text})" if text else ""


def acl_role(name: str) -> str:
    """A role name as it appears inside an aclitem (acl.c putid()): quoted unless every character
    is alphanumeric or ``_``; an empty name (PUBLIC) stays empty.

    >>> acl_role("pg_database_owner"), acl_role("Bob"), acl_role("a b")
    ('pg_database_owner', 'Bob', '"a b"')
    """
    if all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in name):
        return name
    return '"' + name.replace('"', '""') + '"'
