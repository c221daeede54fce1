"""`python -m mktsim`."""

from mktsim.cli import main

main()
