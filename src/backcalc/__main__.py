"""`python -m backcalc` runs the command-line interface."""

from backcalc.cli import main

main()
