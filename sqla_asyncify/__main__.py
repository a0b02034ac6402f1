"""``python -m sqla_asyncify`` runs the CLI."""

from .cli import main

main()
