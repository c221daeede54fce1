"""The daily hazards of a segment, computed once for both population engines.

`_segment_hazards` turns a day's state (the media's hazards, the synergy, the share of
the market who talk, the season) and a segment's rates into the hazard of every route of
the funnel (docs/model.md). The counts kernel (`kernel.py`) draws its moves from them; the
per-customer kernel (`agents_kernel.py`) turns them into each customer's probabilities.
Everything is per day; the awareness effect of a channel in Bass mode is per year
(`* DAYS_PER_YEAR`: Bass's p and q are per year).

Arguments: s the segment; d the day; bass whether the scenario is in Bass-consistency
mode; talk_share the share of the market who talk (0-1; the per-customer kernel passes 0
and adds each customer's own share times `hz[H_IMITATION]`); rates [S, N_SEG_RATES]
per-day hazards (`model.plan.R_*`); affinity [S, C] reach of each channel in each segment
(0-1); season [D] seasonal multiplier; shares [S, N_SHARE] choice shares (`S_*`); h_aw,
h_cv [C] the day's awareness and conversion hazards of each channel; synergy the day's
synergy hazard; hz [N_HAZARDS + C] the hazards, out (columns `H_*`).

The routes out of one state are contiguous, in the order the kernels draw them, so a
kernel reads a state's competing exits as `hz[H_first:]`.
"""

# numba rebuilds this file's cached kernels only when this file changes: the key below
# digests what they compile with (tests/test_numba_cache_keys.py).
# numba cache key: f441fa1a19ea7d17
from __future__ import annotations

import math

from ..model.hazards import DAYS_PER_YEAR
from ..model.plan import (
    CURVE_HILL,
    CURVE_LOGISTIC,
    R_CHURN,
    R_CONSIDER,
    R_CONSIDER_DECAY,
    R_DECAY,
    R_IMITATION,
    R_INNOVATION,
    R_LOYAL,
    R_LOYAL_CHURN,
    R_LOYAL_REPEAT,
    R_MEDIA_SCALING,
    R_REPEAT,
    R_SHOP,
    R_WINBACK,
    S_COMP_CONSIDERING,
    S_COMP_NOT_IN_SET,
    S_OWN_CONSIDERING,
    S_OWN_REPEAT,
)
from .jit import inlined, no_refcount
from .variates import hill

LN3 = math.log(3.0)  # logistic: tanh(ln 3 / 2) = 1/2, half the effect at K
LN2 = math.log(2.0)  # exponential: 1 - 2^-1 = 1/2 at K

# columns of a segment's hazards (per day)
H_AWARE = 0  # unaware -> aware (Bass mode: unaware -> customer), at the given talk share
H_IMITATION = 1  # the part of H_AWARE per unit of talk share (word of mouth)
H_FORGET = 2  # aware -> unaware         } the aware's competing exits
H_CONSIDER = 3  # aware -> considering   }
H_LOYAL = 4  # customer -> loyal         } the customers' competing exits
H_CHURN = 5  # customer -> lapsed        }
H_WINBACK = 6  # lapsed -> customer      } the lapsed's competing exits
H_LAPSED_FORGET = 7  # lapsed -> unaware }
H_LOYAL_CHURN = 8  # loyal -> lapsed
H_REPEAT = 9  # a customer buys again (stays)
H_LOYAL_REPEAT = 10  # a loyal customer buys again (stays)
H_OUTSIDE = 11  # someone who does not consider us buys from a competitor (stays)
H_CONSIDER_FORGET = 12  # considering -> aware                     } the considering's
H_COMPETITOR = 13  # considering: buys from a competitor (stays)  } competing exits,
H_OWN = 14  # considering -> customer, organically                } 3 + C of them
H_CHANNEL = 15  # considering -> customer through channel c: H_CHANNEL + c
N_HAZARDS = 15  # columns before the channels'


@no_refcount
def _segment_hazards(s, d, bass, talk_share, rates, affinity, season, shares, h_aw, h_cv,
                     synergy, hz):
    """`_hazards_of_segment` as a call (the per-customer kernel's)."""
    _hazards_of_segment(s, d, bass, talk_share, rates, affinity, season, shares, h_aw, h_cv,
                        synergy, hz)


@inlined
def _hazards_of_segment(s, d, bass, talk_share, rates, affinity, season, shares, h_aw, h_cv,
                        synergy, hz):
    """Segment s's hazards of day d into hz (columns `H_*`); copied into the counts
    kernel's day (`jit.inlined`), called by the per-customer kernel (`_segment_hazards`).

    Awareness: innovation + imitation x talk_share + synergy + sum_c affinity x h_aw; in
    Bass mode (p + q talk_share) x(t), x(t) = 1 + sum_c affinity x h_aw x DAYS_PER_YEAR
    (the Generalized Bass model's boost), and only H_AWARE and H_IMITATION are filled."""
    n_ch = h_aw.shape[0]
    if bass:
        boost = 1.0
        for c in range(n_ch):
            boost += affinity[s, c] * h_aw[c] * DAYS_PER_YEAR
        hz[H_AWARE] = (rates[s, R_INNOVATION] + rates[s, R_IMITATION] * talk_share) * boost
        hz[H_IMITATION] = rates[s, R_IMITATION] * boost
        return
    aware = rates[s, R_INNOVATION] + rates[s, R_IMITATION] * talk_share + synergy
    for c in range(n_ch):
        aware += affinity[s, c] * h_aw[c]
    hz[H_AWARE] = aware
    hz[H_IMITATION] = rates[s, R_IMITATION]
    hz[H_FORGET] = rates[s, R_DECAY]
    hz[H_CONSIDER] = rates[s, R_CONSIDER]
    hz[H_LOYAL] = rates[s, R_LOYAL]
    hz[H_CHURN] = rates[s, R_CHURN]
    hz[H_WINBACK] = rates[s, R_WINBACK]
    hz[H_LAPSED_FORGET] = rates[s, R_DECAY]
    hz[H_LOYAL_CHURN] = rates[s, R_LOYAL_CHURN]
    rep = shares[s, S_OWN_REPEAT] * season[d]
    hz[H_REPEAT] = rates[s, R_REPEAT] * rep
    hz[H_LOYAL_REPEAT] = rates[s, R_LOYAL_REPEAT] * rep
    shop = rates[s, R_SHOP] * season[d]
    own = shop * shares[s, S_OWN_CONSIDERING]
    hz[H_OUTSIDE] = shop * shares[s, S_COMP_NOT_IN_SET]
    hz[H_CONSIDER_FORGET] = rates[s, R_CONSIDER_DECAY]
    hz[H_COMPETITOR] = shop * shares[s, S_COMP_CONSIDERING]
    hz[H_OWN] = own
    power = rates[s, R_MEDIA_SCALING]   # channels follow season^power: 0 additive, 1 scaled
    if power != 1.0:
        own = rates[s, R_SHOP] * shares[s, S_OWN_CONSIDERING] * season[d] ** power
    for c in range(n_ch):
        hz[H_CHANNEL + c] = own * affinity[s, c] * h_cv[c]


@inlined
def saturation(x, k, s, curve):
    """A channel's saturation (0-1) of adstocked exposures per person per day x, half at
    K = k: the Hill curve x^s / (x^s + K^s) (`variates.hill`, bit for bit), the logistic
    (1 - 3^(-x/K)) / (1 + 3^(-x/K)) = tanh(ln 3 x / (2K)) (PyMC-Marketing's
    (1 - e^(-lam x)) / (1 + e^(-lam x)) with lam = ln 3 / K) or the exponential
    1 - 2^(-x/K) = 1 - e^(-ln 2 x / K); curve a `model.plan.CURVE_*`; s is the Hill
    shape (the other curves have none)."""
    if curve == CURVE_HILL:
        return hill(x, k, s)
    if x <= 0.0:
        return 0.0
    if curve == CURVE_LOGISTIC:
        return math.tanh(0.5 * LN3 * x / k)
    return -math.expm1(-LN2 * x / k)
