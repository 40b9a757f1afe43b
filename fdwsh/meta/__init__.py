"""Backslash meta-commands, registered by decorator in ``registry``."""
