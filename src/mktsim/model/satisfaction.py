"""Customer satisfaction and NPS of the customer base, from what customers live through.

The latent satisfaction score (0-10) of the base on day d is

    S_d = base + loyal_effect x loyal_share_d + price_effect_d + X_d
    X_d = X_{d-1} e^{-1/memory} + sum_e n_{e,d} effect_e / customers_d

where n_{e,d} counts the day's service experiences e (a complaint resolved the same day,
resolved later, left unresolved), each shifting the score of the customer who lived it by
effect_e, remembered with an exponential memory; loyal_share is loyal members /
customers; the price effect is price_slope x (1 - paid / reference), paid the day's
revenue per unit, reference the mean competitor price on day 0 (a competition-based
reference price, MODELS 3). NPS (Reichheld 2003) draws each customer's 0-10 answer from
N(S_d, dispersion) and cuts it at fixed points (promoters 9-10: answer >= 8.5;
detractors 0-6: answer < 6.5): NPS = 100 (P(promoter) - P(detractor)), a deterministic
function of the score's distribution (MODELS 6).

Parameters (`SATISFACTION`) and where they come from:

- base 7.8: ACSI scores of consumer electronics makers near 78/100 (ACSI 2023, R);
  an assumption for this brand;
- complaint resolved the same day +0.3, resolved later -1.0, unresolved -3.0: the
  ordering follows TARP (share still loyal after a problem: resolved quickly 82%,
  resolved 54%, not resolved 19%) and a small recovery paradox for fast resolution
  (McCollough, Berry & Yadav 2000; small on average, de Matos, Henrique & Rossi 2007);
  the sizes are assumptions;
- loyalty member +0.3: small once self-selection is controlled (Leenheer et al. 2007),
  an assumption;
- price slope 4 points per 100% of the reference: paying 10% above the reference costs
  0.4 points, an assumption;
- memory 180 days, dispersion 1.8 points (the spread of individual 0-10 answers):
  assumptions; with them a base at 7.8 gives NPS about +11.
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: 0277add738cca0d7
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from numba.extending import register_jitable

from ..params import normal_cdf
from ..params.jitable import JITABLE

for _function in JITABLE:  # the normal distribution function's one source, compiled in
    register_jitable(_function)


@dataclass(frozen=True)
class SatisfactionModel:
    """Parameters of the satisfaction score (see the module docstring)."""

    base: float = 7.8
    resolved_same_day: float = 0.3
    resolved_later: float = -1.0
    unresolved: float = -3.0
    loyal_effect: float = 0.3
    price_slope: float = 4.0
    memory_days: float = 180.0
    dispersion: float = 1.8
    promoter_cut: float = 8.5
    detractor_cut: float = 6.5

    def effects(self) -> np.ndarray:
        """[3] effects of unresolved, resolved later, resolved same day (the order of
        `Plan.lost_after_complaint`)."""
        return np.array([self.unresolved, self.resolved_later, self.resolved_same_day])


SATISFACTION = SatisfactionModel()


@njit(cache=True)
def satisfaction_days(memory: float, keep: float, experiences: np.ndarray,
                      effects: np.ndarray, customers: np.ndarray, steady: np.ndarray,
                      out: np.ndarray) -> float:
    """Advance the experience memory over the days of `experiences` [D, 3] (fading by
    `keep` = e^{-1/memory_days} a day) and write S_d = steady_d + X_d (clipped to 0..10)
    into out [D]; returns the memory X after the last day (`memory` is X before the
    first)."""
    x = memory
    for d in range(experiences.shape[0]):
        shift = 0.0
        for e in range(experiences.shape[1]):
            shift += experiences[d, e] * effects[e]
        x = x * keep + (shift / customers[d] if customers[d] > 0 else 0.0)
        out[d] = min(10.0, max(0.0, steady[d] + x))
    return x


def daily_keep(model: SatisfactionModel) -> float:
    """Share of an experience's effect left after one day: e^{-1/memory_days}."""
    return math.exp(-1.0 / model.memory_days)


def steady_score(model: SatisfactionModel, loyal_share: np.ndarray,
                 paid_over_reference: np.ndarray) -> np.ndarray:
    """base + loyal effect x loyal share + price slope x (1 - paid / reference), per day."""
    return (model.base + model.loyal_effect * loyal_share
            + model.price_slope * (1.0 - paid_over_reference))


def net_promoter_score(score: np.ndarray | float,
                       model: SatisfactionModel = SATISFACTION) -> np.ndarray:
    """NPS in [-100, 100] of a base whose answers are N(score, dispersion), cut at the
    fixed points: 100 (P(answer >= promoter cut) - P(answer < detractor cut)).

    Compiled (`_nps`): the normal distribution function as scipy.special.ndtr computes it
    (`params.normal_cdf.ndtr_of`, the same source compiled in), bit for bit, about 10
    times faster than that module's numpy arithmetic (whose C-library exponentials are a
    Python loop), without importing scipy; every replication's derived KPIs ask for 730
    values."""
    s = np.asarray(score, dtype=float)
    out = np.empty(s.shape)
    _nps(s.ravel(), out.reshape(-1), model.promoter_cut, model.detractor_cut,
         model.dispersion)
    return out


@njit(cache=True)
def _nps(scores, out, promoter_cut, detractor_cut, dispersion):
    """`net_promoter_score` of each of `scores` [N] into `out` [N]; the arithmetic and its
    order are numpy's of `100 (1 - ndtr(a) - ndtr(b))` written out."""
    for i in range(scores.size):
        promoters = 1.0 - normal_cdf.ndtr_of((promoter_cut - scores[i]) / dispersion)
        detractors = normal_cdf.ndtr_of((detractor_cut - scores[i]) / dispersion)
        out[i] = 100.0 * (promoters - detractors)
