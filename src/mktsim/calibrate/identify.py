"""Which parameters the history identifies: the posterior interval against the prior's
(in z both are standard-normal scaled: a posterior sd near 1 learnt nothing), estimates
on a bound, and pairs whose posterior correlation exceeds 0.9; and which freed values
are correlated enough in their posterior draws to be written as joint draws."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from ..i18n import _
from .priors import Z_MAX

WIDE = 0.5  # posterior sd in prior units above which a parameter is not identified
ON_BOUND = 0.05
CORRELATED = 0.9


def correlations(cov: np.ndarray) -> np.ndarray:
    """Correlation matrix of a covariance."""
    sd = np.sqrt(np.maximum(np.diag(cov), 1e-300))
    return np.clip(cov / np.outer(sd, sd), -1.0, 1.0)


def correlated_pairs(paths: list[str], cov: np.ndarray) -> list[tuple[str, str, float]]:
    """(path, path, correlation) of every pair beyond CORRELATED in absolute value."""
    rho = correlations(cov)
    return [(paths[i], paths[j], float(rho[i, j]))
            for i in range(len(paths)) for j in range(i + 1, len(paths))
            if abs(rho[i, j]) > CORRELATED]


#: A positive value whose 90% interval is wider than +-PRECISION of its estimate is not
#: identified: the history does not tell it within 15%, the aim a market's word of mouth
#: and channels are held to (docs/calibration.md, "How much a history can tell": where
#: the information bound itself exceeds 15% / 1.645 of a value, no method can).
PRECISION = 0.15


def why_not_identified(z: float, sd: float, rivals: str | None = None,
                       in_step_with: str | None = None, spread: float = 0.0) -> str | None:
    """Why one parameter is not identified, or None when it is: its channel's spend moved
    in step with `in_step_with`'s (`collinear_spend`), its posterior sd in z (prior units)
    above WIDE, its estimate on a bound, (`rivals`: the other values) local searches
    from different starts that fit about as well at different values, or (`spread`: the
    90% interval's half-width over the estimate, 0 for a value that may be 0 or below)
    an interval wider than +-PRECISION."""
    if in_step_with:
        return _("its channel was spent in step with '{other}': the history tells only "
                 "their combination").format(other=in_step_with)
    if abs(z) > Z_MAX - ON_BOUND:
        return _("the estimate sits on a bound of its prior")
    if rivals:
        return _("fits from different starts put it at {values} about as well").format(
            values=rivals)
    if sd > WIDE:
        return _("its posterior is {share:.0%} as wide as its prior").format(share=sd)
    if spread > PRECISION:
        return _("its 90% interval spans +-{share:.0%} of its estimate: the history does "
                 "not tell it within 15%").format(share=spread)
    return None


def data_that_would_help(path: str, observed: Collection[str] = (), years: float = 0.0
                         ) -> str:
    """What kind of history would identify a parameter at `path`, given the series the
    history already has (`observed`) and its length in `years`. The figures behind the
    advice: benchmarks/bench_calibrate_market.py (docs/calibration.md, "How much a history
    can tell")."""
    parts = path.split(".")
    if parts[0] == "channels" and len(parts) > 1:
        text = _("periods where spend on '{channel}' moves on its own (not in step with the "
                 "other channels) and stops for weeks at a time, in a spend.{channel} column"
                 ).format(channel=parts[1])
        if "awareness" in parts and "brand_awareness" not in observed:
            text += "; " + _("an awareness survey (brand_awareness with brand_awareness_n)")
        return text
    if "word_of_mouth" in parts or path == "market.size":
        return _word_of_mouth_help(observed, years)
    if any("awareness" in p or "consideration" in p for p in parts):
        return "an awareness or consideration survey (brand_awareness with brand_awareness_n)"
    if any("churn" in p or "retention" in p for p in parts):
        return "a churned or customers series"
    if any("price" in p for p in parts):
        return "periods with different prices, in a price.<product> column"
    return "more periods of a series this value moves, or a narrower prior"


def _word_of_mouth_help(observed: Collection[str], years: float) -> str:
    """What identifies word of mouth (or the market's size): the customers it comes
    from, over years in which their number grows, and weeks without advertising."""
    if not {"new_customers", "customers"} & set(observed):
        return _("a new_customers or customers series, over two to three years")
    if years < 2.5:
        return _("a longer history of new_customers (three years: word of mouth grows with "
                 "the customers, which one year hardly moves), reaching past the peak")
    return _("periods with the channels off for weeks at a time (word of mouth alone then "
             "brings people in), or a history reaching past the peak")


#: |rank correlation| of two parameters' posterior draws from which they are written as
#: joint draws (a posterior correlation of 0.3 moves a target probability noticeably
#: where both parameters matter; below it, separate distributions lose little).
JOINT_CORRELATION = 0.3


def rank_correlations(draws: np.ndarray) -> np.ndarray:
    """Spearman correlation matrix of the columns of `draws` (0 for a constant column):
    unchanged by the monotone map from the fit's coordinates to the values."""
    k = draws.shape[1]
    if k < 2 or draws.shape[0] < 3:
        return np.eye(k)
    ranks = np.argsort(np.argsort(draws, axis=0), axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.corrcoef(ranks, rowvar=False)
    return np.nan_to_num(rho, nan=0.0)


def joint_groups(paths: list[str], draws: np.ndarray) -> list[list[str]]:
    """Groups (two or more paths, in order) whose draws are written jointly: the paths
    linked by a chain of pairs at |rank correlation| >= JOINT_CORRELATION."""
    rho = rank_correlations(draws)
    group = list(range(len(paths)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if abs(rho[i, j]) >= JOINT_CORRELATION:
                group[root(j)] = root(i)
    members: dict[int, list[str]] = {}
    for i, path in enumerate(paths):
        members.setdefault(root(i), []).append(path)
    return [m for m in members.values() if len(m) > 1]


#: -log posterior difference within which another local optimum fits about as well
MODE_GAP = 3.0
#: distance in z (prior sds) from which two optima differ materially in a parameter
MODE_APART = 0.5


def rival_optima(optima: list[tuple[np.ndarray, float]], sd: np.ndarray
                 ) -> list[tuple[np.ndarray, float]]:
    """The other local optima that fit about as well as the best (within MODE_GAP of its
    -log posterior) but sit materially apart from it and from each other (some parameter
    more than MODE_APART and two Laplace sds away): (z, gap), nearest in fit first."""
    if not optima:
        return []
    best, cost = optima[0]
    apart = np.maximum(MODE_APART, 2.0 * np.asarray(sd))
    kept: list[tuple[np.ndarray, float]] = []
    for z, other in optima[1:]:
        gap = other - cost
        if gap > MODE_GAP:
            continue
        if all(np.any(np.abs(z - seen) > apart) for seen in [best, *(k for k, _ in kept)]):
            kept.append((z, gap))
    return kept


def disagreeing(j: int, best: np.ndarray, rivals: list[tuple[np.ndarray, float]]) -> bool:
    """Whether parameter j differs materially between the best optimum and a rival."""
    return any(abs(z[j] - best[j]) > MODE_APART for z, _ in rivals)


#: |correlation| of two channels' spend over the fitted periods from which their effects
#: are not told apart (they moved in one proportion: only their combination is identified)
COLLINEAR_SPEND = 0.95


def collinear_spend(paths: list[str], spend: dict[str, np.ndarray], keep: int
                    ) -> dict[str, str]:
    """{path: the other channel} for freed channel values whose channel's spend moved in
    step with another freed channel's over the first `keep` periods (|correlation| of at
    least COLLINEAR_SPEND): whatever the fit says, the history cannot tell them apart."""
    freed = {p.split(".")[1]: p for p in paths if p.startswith("channels.")}
    columns = {c: np.asarray(spend[c][:keep], dtype=float) for c in freed if c in spend}
    found: dict[str, str] = {}
    names = sorted(columns)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            x, y = columns[a], columns[b]
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
                continue
            if abs(float(np.corrcoef(x[ok], y[ok])[0, 1])) >= COLLINEAR_SPEND:
                found.setdefault(freed[a], b)
                found.setdefault(freed[b], a)
    return found
