"""``python -m assay.cli`` runs the command line."""

from assay.cli.app import main

main()
