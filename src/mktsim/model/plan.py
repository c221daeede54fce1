"""The compiled plan: plain numpy arrays the engine reads. Picklable, no live objects.

Column layouts are named by the integer constants below; all rates are per day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .demand import DemandPlan
    from .review_plan import ReviewPlan
    from .rival_plan import RivalPlan

# funnel states (columns of the state array)
UNAWARE, AWARE, CONSIDERING, CUSTOMER, LOYAL, CHURNED, WAITING = range(7)
N_STATES = 7
STATE_NAMES = ("unaware", "aware", "considering", "customer", "loyal", "churned", "waiting")

# segment rate columns (daily hazards)
(R_INNOVATION, R_IMITATION, R_DECAY, R_CONSIDER, R_CONSIDER_DECAY, R_SHOP, R_REPEAT,
 R_LOYAL, R_CHURN, R_LOYAL_CHURN, R_WINBACK, R_LOYAL_REPEAT, R_MEDIA_SCALING) = range(13)
N_SEG_RATES = 13  # R_MEDIA_SCALING: power of the season on channels' purchases (0-1)

# channel parameter columns
(C_EXPOSURE_PER_MONEY, C_THETA, C_NORMALIZE, C_AW_BETA, C_AW_K, C_AW_S, C_CV_LIFT, C_CV_K,
 C_CV_S, C_CAPACITY, C_TEAM, C_COMMISSION, C_HANDOFF_STAGES, C_HANDOFF_RATE,
 C_HANDOFF_LOSS, C_HANDOFF_SKIP, C_AW_CURVE, C_CV_CURVE, C_STEP_DAYS) = range(19)
N_CHAN_PAR = 19
# C_THETA: carry-over per adstock step (a day, or C_STEP_DAYS days); C_AW_CURVE, C_CV_CURVE:
# the saturation curve (CURVE_*)
CURVE_HILL, CURVE_LOGISTIC, CURVE_EXPONENTIAL = range(3)
CURVES = ("hill", "logistic", "exponential")

# team parameter columns
T_RATE, T_TAU, T_PATIENCE, T_CLOSE, T_CLOSE_DECAY, T_COST_PER_DAY = range(6)
N_TEAM_PAR = 6

# choice controls per segment
S_OWN_CONSIDERING, S_COMP_CONSIDERING, S_OWN_REPEAT, S_COMP_NOT_IN_SET, S_REV_UNIT, \
    S_MARGIN_UNIT = range(6)
N_SHARE = 6


class EventKind(StrEnum):
    """What a scheduled event changes (`Event.kind`); the engine has one action per kind
    (`engine.replication.EVENT_ACTIONS`)."""

    PRICE = "price"  # a product's list price (value: money per unit)
    DISCOUNT = "discount"  # a product's promotion depth (value: fraction off, 0 ends it)
    LAUNCH = "launch"  # a product goes on sale
    COMPETITOR = "competitor"  # a competitor's attribute (extra: its column; value)
    HIRE = "hire"  # people join a team (value: count)
    TRAINING = "training"  # a team's skill rises (value: skill gain)
    PULL = "pull"  # a promotion's purchases moved forward (value: moved share, 0 ends it)
    DIP = "dip"  # the dip after a promotion (value: promotion days / dip days, 0 ends it)


@dataclass(frozen=True)
class Event:
    """A discrete change on a day: price, promotion, competitor move, hire, training."""

    day: int
    kind: EventKind | str
    target: str
    value: float
    extra: float = 0.0


@dataclass(frozen=True)
class Plan:
    """Scenario x strategy, compiled to arrays for the engine."""

    strategy: str
    horizon: int
    market_size: float
    segments: tuple[str, ...]
    channels: tuple[str, ...]
    teams: tuple[str, ...]
    products: tuple[str, ...]
    competitors: tuple[str, ...]
    init_state: NDArray[np.int64]  # [S, N_STATES]
    seg_rates: NDArray[np.float64]  # [S, N_SEG_RATES]
    price_sensitivity: NDArray[np.float64]  # [S]
    affinity: NDArray[np.float64]  # [S, C]
    chan_par: NDArray[np.float64]  # [C, N_CHAN_PAR]
    kappa: NDArray[np.float64]  # [C, C], per day
    spend: NDArray[np.float64]  # [C, D] money per day
    extra_spend: NDArray[np.float64]  # [D] training and other one-off costs
    season: NDArray[np.float64]  # [D]
    team_par: NDArray[np.float64]  # [T, N_TEAM_PAR]
    team_headcount: NDArray[np.int64]  # [T]
    team_skill: NDArray[np.float64]  # [T, 3]: initial, new hire, max
    team_attrition: NDArray[np.float64]  # [T] per day
    team_hiring_delay: NDArray[np.float64]  # [T] days
    team_replace: NDArray[np.bool_]  # [T]
    max_patience: int
    max_stages: int
    service_team: int
    complaint_rate: float
    lost_after_complaint: NDArray[np.float64]  # [3]: unresolved, resolved, same day
    loyalty_cost_per_day: float
    discount_rate: float
    product_price: NDArray[np.float64]  # [P]
    product_cost: NDArray[np.float64]  # [P]
    product_quality: NDArray[np.float64]  # [P]
    product_constant: NDArray[np.float64]  # [P]
    product_launch: NDArray[np.int64]  # [P] day
    competitor_attr: NDArray[np.float64]  # [J, 4]: price, quality, awareness, constant
    choice_weights: NDArray[np.float64]  # [5]: price, awareness, quality, outside, loyalty
    bass_mode: bool
    wom_customers: bool
    events: tuple[Event, ...] = field(default_factory=tuple)
    # the state carried into day 0 (a fitted scenario's end of history); None: nothing
    init_adstock: NDArray[np.float64] | None = None  # [C] adstock S before day 0
    init_adopters: NDArray[np.int64] | None = None  # [S] people who ever bought by day 0
    rules: ReviewPlan | None = None  # the review rules, plain data (model/review_plan.py)
    demand: DemandPlan | None = None  # market.demand's factors (season = by_month * D)
    rivals: RivalPlan | None = None  # competitors that advertise or react (model/rival_plan.py)
    #: share of a promotion's extra sales taken from competitors (None: the logit decides)
    promotion_switching: float | None = None
    #: binomial draws smooth in the parameters, approximate (`engine.variates`,
    #: `_binomial_smooth`): the calibration's simulated objective only
    smooth_draws: bool = False

    @property
    def n_segments(self) -> int:
        """S."""
        return len(self.segments)


def initial_adopters(plan: Plan) -> NDArray[np.int64]:
    """[S] people who ever bought by day 0: the plan's `init_adopters`, else customers +
    loyal + lapsed of its initial state (a new array)."""
    if plan.init_adopters is not None:
        return plan.init_adopters.astype(np.int64).copy()
    init = plan.init_state
    return (init[:, CUSTOMER] + init[:, LOYAL] + init[:, CHURNED]).copy()
