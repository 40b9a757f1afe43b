"""Formatting of results, notices and errors exactly as psql prints them."""
