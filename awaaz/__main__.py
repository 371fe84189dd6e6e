"""`python -m awaaz` runs the `awaaz` command line."""

from awaaz.app.cli import main

main()
