"""Scenario text with a `market.demand` section, for the demand-driver tests."""

from __future__ import annotations

from pathlib import Path

SCENARIO = Path(__file__).parents[1] / "scenarios" / "smart_band.yaml"

DEMAND = """\
  demand:
    trend:
      origin: 2024-01-01
      growth_per_year: 0.05
      change_points:
        - on: 2025-07-01
          growth_per_year: -0.02
    fourier:
      order: 2
      sin: [0.10, 0.00]
      cos: [0.05, 0.00]
    controls:
      price_index:
        effect: elasticity
        coefficient: -1.5
        reference: 1.0
        values:
          2026-01-05: 1.00
          2026-01-12: 0.98
        future: repeat_year
      competitor:
        effect: linear
        coefficient: -0.1
        reference: 2.0
    events:
      double11:
        lift: 0.6
        days: 7
        occurrences:
          2026-11-09: 1.0
        future: repeat_year
"""


def with_demand(block: str = DEMAND, text: str | None = None) -> str:
    """The smart-band scenario's text with `block` (indented under `market:`) inserted
    before its seasonality."""
    text = SCENARIO.read_text() if text is None else text
    return text.replace("  seasonality:\n", block + "  seasonality:\n", 1)
