"""`python -m awaaz` runs the `awaaz` command line."""

from .cli import main

main()
