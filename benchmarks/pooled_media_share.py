"""A media share read from the history, pooled over the channels: a least-squares stand-in
for a drafted centre of the lift priors, measured and not drafted (docs/calibration.md,
"The always-on channels over their truth, traced"):

    PYTHONPATH=$PWD/src python benchmarks/pooled_media_share.py

Every channel's lift prior is centred on its money's share of an assumed media share
(30% of the KPI). Pooled, the data could move that share for all channels at once: the
KPI per period on the drivers the draft frees (`lift_reading.driver_columns`) and ONE
regressor, the money-share media term (the drafted baseline per period times the sum of
each channel's drafted lift times its saturation at the drafted curve, step and
retention), over the fitted periods. Its coefficient is the scale the reading would put
on every drafted lift centre; printed beside what each channel's truth wants (its true
contribution over the window / its money-share term's). KPI in money per period.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic_history as sh
from lift_reading import driver_columns

HISTORIES = (("mktsim", (3, 4, 5, 6)), ("pymc", (327, 1, 2, 3, 4)))


def pooled_scale(kind: str, seed: int) -> tuple[float, float, dict[str, float]]:
    """(the pooled scale, its relative standard error, each channel's truth over its
    money-share term) on one history."""
    from mktsim.history import draft as d
    from mktsim.history.draft_init import read_any_history
    from mktsim.history.draft_text import holdout, trend_break

    synthetic = sh.make(kind, seed)
    with tempfile.TemporaryDirectory() as tmp:
        history = read_any_history(synthetic.write_csv(Path(tmp) / "h.csv"))
    drafted = d.draft(history, "h.csv", "revenue")
    fitted = history.n_periods - holdout(drafted)
    base = drafted.level * (1 - d.MEDIA_SHARE) * np.asarray(history.period_days, float)
    terms = {c.name: base * c.lift * d.channel_saturation(history, c,
                                                          d.RETENTION_PRIOR[c.type][1])
             for c in drafted.channels}
    x = np.column_stack([*driver_columns(history, trend_break(drafted)),
                         sum(terms.values())])[:fitted]
    y = np.asarray(history.series["revenue"], dtype=float)[:fitted]
    ok = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    coef, *_ = np.linalg.lstsq(x[ok], y[ok], rcond=None)
    residual = y[ok] - x[ok] @ coef
    cov = residual @ residual / (ok.sum() - x.shape[1]) * np.linalg.pinv(x[ok].T @ x[ok])
    wanted = {c: synthetic.truth.contributions[c] / terms[c][:len(synthetic.dates)].sum()
              for c in terms}
    return float(coef[-1]), float(np.sqrt(cov[-1, -1]) / coef[-1]), wanted


def main() -> None:
    for kind, seeds in HISTORIES:
        for seed in seeds:
            scale, se, wanted = pooled_scale(kind, seed)
            print(f"{kind} {seed}: pooled scale {scale:.2f} (se {se:.0%}); each channel's "
                  "truth over its money-share term: "
                  + ", ".join(f"{c} {v:.2f}" for c, v in wanted.items()), flush=True)


if __name__ == "__main__":
    main()
