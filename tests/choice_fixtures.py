"""A small weekly market whose channel is either added to the demand the drivers shape
or scaled by it (`market.demand.media_scaling` 0 or 1), and its history: the choice
between the two forms must find the one the history was simulated with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from history_fixtures import simulate_history, write_history
from mktsim.history.periods import PeriodKind, next_start
from mktsim.scenario.load import load_text

START = dt.date(2027, 1, 4)
WEEKS = 40
#: Promotion weeks (a lift of +150% on demand): the channel's spend is on in half of
#: them, so that a scaled channel sells 2.5 times as much there and an additive one not.
PROMO_WEEKS = (3, 8, 13, 18, 23, 28, 33, 37)

MARKET = """\
name: Media form
horizon_days: 280
start_date: 2027-01-04
currency: CNY
seed: 5
replications: 4
market:
  size: 200_000_000
  word_of_mouth: {{innovation: 0, imitation: 0}}
  awareness_decay_per_year: 0
  consideration_decay_per_year: 0
  segments:
    buyers:
      share: 1.0
      initial_awareness: 0.5
      initial_consideration: 0.5
      consideration_per_year: 0
      purchase_per_year: 0.01
      repurchase_per_year: 0
  demand:
    media_scaling: {media}
    events:
      promo:
        lift: 1.5
        days: 7
        occurrences: {{{occurrences}}}
products:
  band: {{price: 100, unit_cost: 60}}
channels:
  social:
    type: online
    cost: {{model: cpm, cpm: 30}}
    conversion: {{lift: 1.0, half_saturation: 0.0005}}
strategies:
  steady:
    budget: 2_000_000
    allocation: {{social: 1.0}}
calibration:
  history: history.csv
  replications: 4
  parameters:
    channels.social.conversion.lift: lognormal(0, 0.5)
    market.demand.events.promo.lift: 0.5:3
{choices}"""


def week_starts() -> list[dt.date]:
    dates = [START]
    for _ in range(WEEKS - 1):
        dates.append(next_start(PeriodKind.WEEK, dates[-1]))
    return dates


def market(media: float, choices: str = "  choices:\n    market.demand.media_scaling: [0, 1]\n"
           ) -> str:
    """The scenario text with the channel's form `media` (0 or 1) and the choice."""
    dates = week_starts()
    occurrences = ", ".join(f"{dates[w].isoformat()}: 1.0" for w in PROMO_WEEKS)
    return MARKET.format(media=media, occurrences=occurrences, choices=choices)


def spend() -> np.ndarray:
    """Money per week: on two weeks, off two weeks, at one of two levels."""
    weeks = np.arange(WEEKS)
    return np.where((weeks // 2) % 2 == 0, 60_000.0 + 30_000.0 * (weeks % 3 == 0), 0.0)


def write_market(folder: Path, media: float, seed: int = 1) -> Path:
    """The scenario (with the choice) and a history simulated with the form `media`."""
    truth = load_text(market(media))
    units = simulate_history(truth, {}, ["units"], START, WEEKS, PeriodKind.WEEK, seed,
                             spend={"social": spend()})["units"]
    write_history(folder / "history.csv", tuple(week_starts()),
                  {"units": units, "spend.social": spend()})
    path = folder / "scenario.yaml"
    path.write_text(market(1.0), encoding="utf-8")
    return path


def check_refused_at_its_line(tmp_path: Path, choices: str, message: str) -> None:
    """`validate` and `calibrate` of the market with `choices` as its calibration choices
    both exit 2 naming `message` at the entry's line (or its `choices:` key), no traceback."""
    from click.testing import CliRunner

    from mktsim.cli import main

    scenario = write_market(tmp_path, 1.0)
    text = scenario.read_text().split("  choices:")[0] + f"  choices:\n    {choices}\n"
    scenario.write_text(text)
    line = text.splitlines().index(f"    {choices.splitlines()[0]}") + 1
    for args in (["validate", str(scenario)], ["calibrate", str(scenario)]):
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 2, out.output
        assert message in " ".join(out.output.split()), out.output
        assert any(f"{scenario}:{n}:" in out.output for n in (line, line - 1)), out.output
        assert "Traceback" not in out.output
