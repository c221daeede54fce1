"""Actuals simulated by mktsim itself for the tracking tests."""

from __future__ import annotations

from pathlib import Path

import mktsim
from mktsim.history import History
from mktsim.history.periods import PeriodKind
from mktsim.track.synthetic import simulated_actuals

ROOT = Path(__file__).parents[1]
SMART = ROOT / "scenarios" / "smart_band.yaml"
# sales_up with a threshold near the baseline's median year (190k units): about even odds
EVEN_SALES = ("targets.2.baseline=126667",)


def even_scenario() -> mktsim.Scenario:
    """The smart band with sales_up at about even odds under the baseline."""
    return mktsim.load(SMART, EVEN_SALES)


def model_actuals(scenario: mktsim.Scenario, periods: int, replication: int,
                  kind: PeriodKind = PeriodKind.WEEK, seed: int = 101,
                  kpis: tuple[str, ...] = ("units", "brand_awareness")) -> History:
    """`periods` periods of one replication of the baseline, as actuals."""
    return simulated_actuals(scenario, "baseline", periods, kind, kpis, ("social", "kol"),
                             seed, replication=replication)
