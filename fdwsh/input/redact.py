"""Passwords out of the history file.

psql keeps every statement in its history; fdwsh's statements carry remote passwords
(``CREATE/ALTER USER MAPPING … OPTIONS (password '…')``), and a history file outlives the
session, is copied between machines and is grepped.  So before a statement is stored, the literal
that follows a ``password`` (or ``sslpassword``) option name is replaced by ``'********'`` (what
``\\deu`` shows); the statement stays recognisable and can be recalled and edited.  The same rule
masks ``CREATE/ALTER ROLE … PASSWORD '…'`` typed in a ``\\c`` session.
"""

from __future__ import annotations

import re

from fdwsh.meta.describe import PASSWORD_MASK

MASK = f"'{PASSWORD_MASK}'"

#: ``password`` or ``sslpassword`` (the client key's passphrase, masked by ``\\deu`` too), bare or
#: double-quoted, any case, as an option name (ADD/SET or none before it), followed by the
#: literal: '…' with '' doubled, E'…' with backslash escapes, or $tag$…$tag$.
#: An unterminated literal runs to the end of the text, so a typo cannot leak its tail.
_PASSWORD = re.compile(
    r"""(?P<name>(?<![\w$"])(?:(?:ssl)?password|"(?:ssl)?password")\s+)
        (?P<value>[eE]'(?:\\.|''|[^'\\])*(?:'|$)
                 |'(?:''|[^'])*(?:'|$)
                 |(?P<tag>\$[A-Za-z_]*\$).*?(?:(?P=tag)|$))""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL)


def redact_passwords(text: str) -> str:
    """``text`` with every ``password '…'`` option value masked."""
    return _PASSWORD.sub(lambda m: m.group("name") + MASK, text)
