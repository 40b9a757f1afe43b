"""``python -m fdwsh`` runs the command line."""

from fdwsh.cli import main

if __name__ == "__main__":
    main()
