"""`python -m mktsim`."""

from mktsim.cli import entry

if __name__ == "__main__":  # not when a worker process imports the main module
    entry()
