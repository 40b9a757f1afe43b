"""Input: the psql-style statement scanner, argument reader and the interactive prompt."""
