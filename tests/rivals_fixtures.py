"""A small scenario for the competitor tests: a year, one product against one rival, a
price cut on 1 March in the `cut` strategy; the rival's advertising and reactions are
appended as YAML under `market.competitors.rival`."""

from __future__ import annotations

from mktsim.api import Scenario
from mktsim.scenario.load import load_text

HEAD = """\
name: Rivals plan
horizon_days: 365
start_date: 2027-01-01
currency: CNY
seed: 5
replications: 4
market:
  size: 200_000
  word_of_mouth: {innovation: 0.02, imitation: 0.3, source: customers}
  awareness_decay_per_year: 0.3
  segments:
    all:
      share: 1
      initial_awareness: 0.3
      initial_consideration: 0.1
      initial_customers: 0.02
      purchase_per_year: 1.0
      consideration_per_year: 3.0
      repurchase_per_year: 0.5
  choice: {price_weight: -0.02, awareness_weight: 1.0, quality_weight: 2.0}
  competitors:
    rival:
      price: 199
      quality: 0.7
      awareness: 0.6
"""

TAIL = """\
products:
  band: {price: 199, unit_cost: 120, quality: 0.7}
channels:
  social:
    type: online
    cost: {model: cpm, cpm: 40}
    awareness: {per_year: 2.0, half_saturation: 0.05}
    conversion: {lift: 0.3, half_saturation: 0.05}
strategies:
  steady:
    budget: 200_000
    allocation: {social: 1}
  cut:
    extends: steady
    price_changes:
      - {on: 2027-03-01, product: band, price: 179}
  promo:
    extends: steady
    promotions:
      - {name: spring, product: band, start: 2027-04-01, days: 28, discount: 0.2}
targets:
  - {id: sold, metric: units, at_least: 10_000, by: 2027-12-31}
"""

MATCHER = """\
      reactions:
        - name: follow
          when: "price_cut('band') > 0"
          then: {match_cut: {product: band}}
          delay_days: 7
"""

ADVERTISER = """\
      advertising:
        budget_per_year: 1_000_000
        cost: {model: cpm, cpm: 40}
        awareness: {per_year: 4.0, half_saturation: 3.0}
        adstock: {retention_per_week: 0.5}
        forgetting_per_year: 1.0
"""


def rivals_text(rival: str = "", extra: str = "") -> str:
    """The scenario's YAML with `rival` under the competitor and `extra` at the end."""
    return HEAD + rival + TAIL + extra


def rivals(rival: str = "", extra: str = "") -> Scenario:
    """The scenario with `rival` YAML under `market.competitors.rival`."""
    return Scenario(load_text(rivals_text(rival, extra), "rivals.yaml"))


def borrowing_text(response: str = "{}") -> str:
    """The scenario's YAML with `market.promotion_response: <response>`."""
    return HEAD.replace("  competitors:\n",
                        f"  promotion_response: {response}\n  competitors:\n") + TAIL


def borrowing(response: str = "{}") -> Scenario:
    """The scenario with `market.promotion_response: <response>`."""
    return Scenario(load_text(borrowing_text(response), "borrow.yaml"))
