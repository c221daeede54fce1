"""mktsim: simulate a marketing plan before the money is spent."""

__version__ = "0.1.0"
