"""The social network of the market, used by the per-customer engine only."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Section
from .fields import Count, Positive, Share


class Network(Section):
    """Who talks to whom. Word of mouth then reaches a person from the share of their
    neighbours who talk (instead of the share of the whole market). `complete` is the
    well-mixed market of the counts engine: no graph is built."""

    model: Literal["complete", "watts_strogatz", "barabasi_albert", "erdos_renyi"] = Field(
        "complete",
        description="complete (well mixed), watts_strogatz (small world), barabasi_albert "
                    "(hubs), erdos_renyi (random).",
    )
    degree: Positive = Field(
        10.0, le=1000.0,
        description="Mean number of contacts per person (even for watts_strogatz), at most 1,000.")
    rewiring: Share = Field(
        0.1, description="watts_strogatz: probability of rewiring each edge of the ring.")
    seed_hubs: Count = Field(
        0, description="The people with the most contacts who are customers on day 0 "
                       "(seeding influencers at hubs), on top of the initial customers.")

    @model_validator(mode="after")
    def _hubs_need_a_graph(self) -> Network:
        if self.seed_hubs > 0 and self.model == "complete":
            raise ValueError("seed_hubs needs a graph: set model to watts_strogatz, "
                             "barabasi_albert or erdos_renyi")
        return self
