"""Weekly histories with a known truth, of the kind marketing-mix tools are tested on.

A trend, a smooth yearly season, a control (a price index acting by an elasticity), an
event (two promotion weeks a year), three channels with carryover and saturation, and
observation noise, all seeded. The history is simulated by mktsim itself from a known
scenario: the one `mktsim init from-history` drafts for these very columns, with the true
values put in and each channel's Hill curve carried day by day (`TRUE_MEDIA_SHAPE`; the
draft of a weekly history fits the logistic curve stepped weekly):

    from synthetic_history import generate
    synthetic = generate(seed=3)            # three years of weeks
    synthetic.write_csv("history.csv")      # date, revenue, spend.*, control.*, event.*
    synthetic.truth.values                  # the true value of every freed path
    synthetic.truth.contributions           # revenue each channel made over the window
    synthetic.truth.next_year               # revenue of the 52 weeks after the history

Truth figures are expectations (the mean of `TRUTH_REPLICATIONS` replications on common
random numbers); the observed history is one replication times lognormal noise of
`noise` (standard deviation of the log). `additive(...)` gives the same columns from a
plain additive marketing-mix formula (geometric adstock, Hill saturation) for checks that
must not assume mktsim's own model.

Run as a script it writes a history CSV and prints its truth:
    python benchmarks/synthetic_history.py out.csv [--seed 3] [--weeks 156]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

START = dt.date(2023, 1, 2)   # a Monday
CHANNELS = ("tv", "search", "social")
#: Money per week when a channel is on (currency units).
WEEKLY_SPEND = {"tv": 120_000.0, "search": 50_000.0, "social": 70_000.0}
#: The true values, in the paths of the drafted scenario.
TRUE_VALUES = {
    "channels.tv.conversion.lift": 0.30,
    "channels.search.conversion.lift": 0.16,
    "channels.social.conversion.lift": 0.22,
    "channels.tv.adstock.retention_per_week": 0.6,
    "channels.search.adstock.retention_per_week": 0.1,
    "channels.social.adstock.retention_per_week": 0.3,
    "market.demand.trend.growth_per_year": 0.06,
    # the same growth after the break the draft puts halfway (histories of 2 years or more)
    "market.demand.trend.change_points.0.growth_per_year": 0.06,
    "market.demand.fourier.sin.0": 0.12,
    "market.demand.fourier.cos.0": -0.08,
    "market.demand.fourier.sin.1": 0.03,
    "market.demand.fourier.cos.1": 0.04,
    "market.demand.controls.price_index.coefficient": -1.5,
    "market.demand.events.promo.lift": 0.5,
    # channels' purchases scaled by the drivers like organic ones (the draft frees it)
    "market.demand.media_scaling": 1.0,
}
#: The truth's saturation curve and adstock step: the Hill curve carried day by day,
#: whatever the draft of a weekly history puts (the logistic curve stepped weekly), so
#: that the histories stay what they were and the draft fits a form that is not the
#: truth's, as it does on a company's data.
TRUE_MEDIA_SHAPE = ("hill", 1)
#: Adstock retention per week of each channel, in both generators.
RETENTION = {"tv": 0.6, "search": 0.1, "social": 0.3}
#: Revenue per week the history starts from (before media), and the price per unit.
BASE_REVENUE = 1_500_000.0
TRUTH_REPLICATIONS = 16


@dataclass(frozen=True)
class Truth:
    """What the generator knows: parameter values, contributions, the next year."""

    values: dict[str, float]
    contributions: dict[str, float]      # KPI over the window each channel added
    expected: np.ndarray                 # expected KPI per week over the window
    next_year: float                     # KPI over the 52 weeks after the window
    next_year_weekly: np.ndarray
    kpi: str = "revenue"


@dataclass(frozen=True)
class Synthetic:
    """A history table (columns by name, one value per week) and its truth."""

    dates: tuple[dt.date, ...]
    columns: dict[str, np.ndarray]
    truth: Truth
    noise: float
    scenario_text: str = field(repr=False, default="")

    def write_csv(self, path: str | Path) -> Path:
        """The history as a CSV file mktsim reads."""
        path = Path(path)
        with path.open("w", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["date", *self.columns])
            for i, day in enumerate(self.dates):
                out.writerow([day.isoformat(),
                              *(_cell(v[i]) for v in self.columns.values())])
        return path


def _cell(value: float) -> str:
    return "" if not np.isfinite(value) else repr(round(float(value), 4))


def drivers(weeks: int, rng: np.random.Generator,
            channels: tuple[str, ...] = CHANNELS) -> dict[str, np.ndarray]:
    """Spend, control and event columns for `weeks` weeks, with the spend columns of
    `channels` only (the same random numbers whatever the channels kept)."""
    t = np.arange(weeks)
    tv_on = (t % 13) < 8                                   # 8 weeks on, 5 off
    # search follows demand a little; its own week-to-week variation is wider, so that
    # its effect can be told from the season's
    season = 1 + 0.15 * np.sin(2 * np.pi * (t - 10) / 52)
    columns = {
        "spend.tv": np.where(tv_on, WEEKLY_SPEND["tv"] * rng.uniform(0.7, 1.3, weeks), 0.0),
        "spend.search": WEEKLY_SPEND["search"] * season * rng.uniform(0.5, 1.5, weeks),
        "spend.social": WEEKLY_SPEND["social"] * rng.uniform(0.4, 1.6, weeks),
    }
    walk = np.cumsum(rng.normal(0, 0.01, weeks))
    columns["control.price_index"] = np.round(1.0 + walk - walk.mean(), 4)
    dates = [START + dt.timedelta(weeks=int(i)) for i in t]
    columns["event.promo"] = np.array([1.0 if _promo_week(d) else 0.0 for d in dates])
    return {k: np.round(v, 2) for k, v in columns.items()
            if not k.startswith("spend.") or k[len("spend."):] in channels}


def true_values(channels: tuple[str, ...] = CHANNELS,
                scale: dict[str, float] | None = None) -> dict[str, float]:
    """TRUE_VALUES of the channels kept (and every demand driver), each channel's lift
    times its `scale` (1 unless given: a truth whose effects are not proportional to
    spend)."""
    scale = scale or {}
    out = {k: v for k, v in TRUE_VALUES.items()
           if not k.startswith("channels.") or k.split(".")[1] in channels}
    for channel, factor in scale.items():
        key = f"channels.{channel}.conversion.lift"
        if key in out:
            out[key] = out[key] * factor
    return out


def _promo_week(day: dt.date) -> bool:
    """The weeks holding 18 June and 11 November (618 and Double 11)."""
    end = day + dt.timedelta(days=6)
    return any(day <= dt.date(day.year, m, d) <= end or day <= dt.date(end.year, m, d) <= end
               for m, d in ((6, 18), (11, 11)))


def continued(columns: dict[str, np.ndarray], weeks: int) -> dict[str, np.ndarray]:
    """Each column followed by its last 52 weeks repeated (the `continue` strategy's money,
    the controls' and events' `repeat_year`)."""
    return {k: np.concatenate([v[:weeks], v[weeks - 52:weeks]]) for k, v in columns.items()}


def generate(seed: int = 0, weeks: int = 156, noise: float = 0.05,
             channels: tuple[str, ...] = CHANNELS,
             scale: dict[str, float] | None = None) -> Synthetic:
    """A weekly history of `weeks` weeks with revenue, `channels` (of tv, search, social),
    a price index and promotion weeks, simulated from the drafted scenario at
    `TRUE_VALUES` (each channel's lift times its `scale`, 1 unless given; its channels'
    purchases scaled by the demand drivers, `media_scaling` 1)."""
    rng = np.random.default_rng(seed)
    columns = drivers(weeks, rng, channels)
    text = _truth_scenario(columns, weeks)
    from mktsim.scenario.load import load_text, with_values

    values = true_values(channels, scale)
    if "change_points:" not in text:
        values.pop("market.demand.trend.change_points.0.growth_per_year")
    loaded = with_values(load_text(text, "truth.yaml"), values)
    full = continued(columns, weeks)
    mean, one = _simulate(loaded.spec, full, weeks + 52, seed)
    observed = one[:weeks] * np.exp(rng.normal(0, noise, weeks))
    contributions = {}
    for channel in channels:
        without = dict(full, **{f"spend.{channel}": np.zeros(weeks + 52)})
        contributions[channel] = float(mean[:weeks].sum()
                                       - _simulate(loaded.spec, without, weeks + 52,
                                                   seed)[0][:weeks].sum())
    truth = Truth(values, contributions, mean[:weeks],
                  float(mean[weeks:].sum()), mean[weeks:])
    table = {"revenue": np.round(observed, 0), **columns}
    dates = tuple(START + dt.timedelta(weeks=i) for i in range(weeks))
    return Synthetic(dates, table, truth, noise, text)


def _truth_scenario(columns: dict[str, np.ndarray], weeks: int) -> str:
    """The scenario `init from-history` drafts for these columns, with revenue at the
    base level (so the market size is the draft's own)."""
    from mktsim.history.draft_init import write_draft

    dates = tuple(START + dt.timedelta(weeks=i) for i in range(weeks))
    flat = {"revenue": np.full(weeks, BASE_REVENUE), **columns}
    with tempfile.TemporaryDirectory() as tmp:
        path = Synthetic(dates, flat, Truth({}, {}, np.zeros(0), 0.0, np.zeros(0)),
                         0.0).write_csv(Path(tmp) / "history.csv")
        return write_draft(path, tmp, "revenue", lang="en", shape=TRUE_MEDIA_SHAPE
                           ).read_text(encoding="utf-8")


def _simulate(spec, columns: dict[str, np.ndarray], weeks: int, seed: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """(expected revenue per week, one replication's) of `spec` following `columns`."""
    from mktsim.engine.montecarlo import simulate
    from mktsim.history import History, history_plan, period_values
    from mktsim.history.periods import PeriodKind

    dates = tuple(START + dt.timedelta(weeks=i) for i in range(weeks))
    ends = tuple(d + dt.timedelta(days=7) for d in dates)
    pick = {p: {k[len(p):]: v for k, v in columns.items() if k.startswith(p)}
            for p in ("spend.", "control.", "event.")}
    history = History("synthetic", PeriodKind.WEEK, dates, ends,
                      {"revenue": np.zeros(weeks)}, spend=pick["spend."],
                      controls=pick["control."], events=pick["event."])
    plan = history_plan(spec, "continue", history)
    run = simulate(plan, TRUTH_REPLICATIONS, seed)
    revenue = period_values(run.daily, history)["revenue"]
    return revenue.mean(axis=0), revenue[0]


def additive(seed: int = 0, weeks: int = 156, noise: float = 0.05,
             channels: tuple[str, ...] = CHANNELS,
             scale: dict[str, float] | None = None) -> Synthetic:
    """The same columns from an additive marketing-mix formula: revenue = base x trend x
    season x price_index^-1.5 x (1 + 0.5 promo) + sum_c beta_c Hill(adstock_c), with
    geometric adstock and Hill saturation at each channel's mean adstocked spend (beta_c
    times its `scale`, 1 unless given); the truth's contributions are each channel's sum
    over the window."""
    rng = np.random.default_rng(seed)
    columns = continued(drivers(weeks, rng, channels), weeks)
    t = np.arange(weeks + 52)
    years = t * 7 / 365.25
    base = (BASE_REVENUE * 1.06 ** years * np.exp(0.12 * np.sin(2 * np.pi * years)
                                                  - 0.08 * np.cos(2 * np.pi * years))
            * columns["control.price_index"] ** -1.5 * (1 + 0.5 * columns["event.promo"]))
    media = {}
    for channel, beta in (("tv", 0.15), ("search", 0.08), ("social", 0.11)):
        if channel not in channels:
            continue
        keep = RETENTION[channel]
        stock = np.zeros(len(t))
        for i, money in enumerate(columns[f"spend.{channel}"]):
            stock[i] = money + (keep * stock[i - 1] if i else 0.0)
        half = stock[:weeks].mean()
        beta *= (scale or {}).get(channel, 1.0)
        media[channel] = beta * BASE_REVENUE * 2 * stock / (stock + half)
    expected = base + sum(media.values())
    observed = expected[:weeks] * np.exp(rng.normal(0, noise, weeks))
    truth = Truth({}, {c: float(m[:weeks].sum()) for c, m in media.items()},
                  expected[:weeks], float(expected[weeks:].sum()), expected[weeks:])
    table = {"revenue": np.round(observed, 0), **{k: v[:weeks] for k, v in columns.items()}}
    dates = tuple(START + dt.timedelta(weeks=i) for i in range(weeks))
    return Synthetic(dates, table, truth, noise)


def information(synthetic: Synthetic, holdout: int = 13) -> dict[str, float]:
    """What the history alone can tell of each channel: the standard error of its effect
    relative to the effect, by ordinary least squares of log KPI on everything the truth
    holds (trend, two Fourier harmonics, log price index, promotion, each channel's
    saturation at its true weekly adstock, half-saturated at its mean), first on the
    observed history (the standard errors), then on the noise-free expected path (the
    effects). An upper bound on the information: here nothing but the channels' effects
    is unknown."""
    columns, kept = synthetic.columns, len(synthetic.dates) - holdout
    years = np.arange(len(synthetic.dates)) * 7 / 365.25
    design = [np.ones_like(years), years, np.log(columns["control.price_index"]),
              columns["event.promo"]]
    design += [f(2 * np.pi * h * years) for h in (1, 2) for f in (np.sin, np.cos)]
    names = [k[len("spend."):] for k in columns if k.startswith("spend.")]
    for name in names:
        stock = np.zeros(len(years))
        for i, money in enumerate(columns[f"spend.{name}"]):
            stock[i] = money + (RETENTION[name] * stock[i - 1] if i else 0.0)
        design.append(stock / (stock + stock.mean()))
    x = np.column_stack(design)[:kept]
    observed = np.log(columns["revenue"][:kept])
    _, rss, *_ = np.linalg.lstsq(x, observed, rcond=None)
    sigma2 = float(rss[0]) / (kept - x.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))[-len(names):]
    effect = np.linalg.lstsq(x, np.log(synthetic.truth.expected[:kept]), rcond=None)[0]
    return {n: float(e / abs(t)) for n, e, t in zip(names, se, effect[-len(names):],
                                                     strict=True)}


# --- PyMC-Marketing's example MMM (docs/source/notebooks/mmm/mmm_example.ipynb) --------

#: The notebook's first week (its W-MON weeks from 2018-04-01) and length; its seed is
#: sum(map(ord, "mmm")) = 327: `pymc(PYMC_SEED)` draws x1, x2 and the noise as it does.
PYMC_START = dt.date(2018, 4, 2)
PYMC_WEEKS = 179
PYMC_SEED = 327
PYMC_CHANNELS = ("x1", "x2", "x3")
#: Per channel: adstock alpha (geometric, normalised over L_MAX weeks), logistic lam (on
#: the unit-scale spend x), beta (effect on y at full saturation). x1, x2 as the notebook;
#: x3 (the third channel option, not the notebook's) is flighted 6 weeks in 13, with a
#: long carryover and a soft saturation.
PYMC_TRUTH = {"x1": (0.4, 4.0, 3.0), "x2": (0.2, 3.0, 2.0), "x3": (0.6, 2.0, 1.5)}
L_MAX = 8
#: Money per week of one unit of x, and revenue per unit of y (currency units), so that the
#: sheet reads as a company's: about 100,000 a week of revenue, channel ROIs 0.5 to 2.
PYMC_SPEND_SCALE = {"x1": 60_000.0, "x2": 80_000.0, "x3": 50_000.0}
PYMC_REVENUE_SCALE = 20_000.0
#: The notebook's events (y + 1.5 and y + 2.5 on one week each) and the control added here:
#: a price index on a random walk acting additively, y - 6 (index - 1).
PYMC_EVENTS = {"event_1": (dt.date(2019, 5, 13), 1.5), "event_2": (dt.date(2020, 9, 14), 2.5)}
PYMC_CONTROL_EFFECT = -6.0


def pymc_spend(rng: np.random.Generator, weeks: int) -> dict[str, np.ndarray]:
    """The unit-scale spend x of the notebook (x1 uniform with most weeks halved, x2 zero
    80% of weeks), drawn first and in its order; x3 is drawn after the noise."""
    x1 = rng.uniform(0.0, 1.0, weeks)
    x2 = rng.uniform(0.0, 1.0, weeks)
    return {"x1": np.where(x1 > 0.9, x1, x1 / 2), "x2": np.where(x2 > 0.8, x2, 0.0)}


def pymc_adstock(x: np.ndarray, alpha: float) -> np.ndarray:
    """PyMC-Marketing's geometric adstock: weights alpha^l, l < L_MAX, normalised to sum 1."""
    w = alpha ** np.arange(L_MAX)
    w = w / w.sum()
    return np.array([sum(w[lag] * x[i - lag] for lag in range(min(L_MAX, i + 1)))
                     for i in range(len(x))])


def pymc_media(x: np.ndarray, channel: str) -> np.ndarray:
    """A channel's effect on y per week: beta x logistic(adstock(x), lam)."""
    alpha, lam, beta = PYMC_TRUTH[channel]
    stock = pymc_adstock(x, alpha)
    return beta * (1 - np.exp(-lam * stock)) / (1 + np.exp(-lam * stock))


def pymc_base(dates: list[dt.date], total: int, columns: dict[str, np.ndarray]
              ) -> np.ndarray:
    """Intercept 2, the trend (linspace(0, 50) + 10)^(1/4) - 1 over the notebook's
    `total` weeks (continued at the same step), the season 0.5 (cos(2 pi d / 365.5) -
    sin(4 pi d / 365.5)) of the day of the year d, the events and the control (the
    `event.` and `control.price_index` columns), in y."""
    t = np.arange(len(dates)) * 50.0 / (total - 1)
    day = np.array([d.timetuple().tm_yday for d in dates], dtype=float)
    season = 0.5 * (np.cos(2 * np.pi * day / 365.5) - np.sin(4 * np.pi * day / 365.5))
    events = sum(lift * columns[f"event.{name}"] for name, (_, lift) in PYMC_EVENTS.items())
    return 2.0 + (t + 10) ** 0.25 - 1 + season + events + PYMC_CONTROL_EFFECT * (
        columns["control.price_index"] - 1.0)


def pymc_event(dates: list[dt.date] | tuple[dt.date, ...], name: str) -> np.ndarray:
    """1 on the event's week, else 0."""
    return np.array([1.0 if d == PYMC_EVENTS[name][0] else 0.0 for d in dates])


def pymc(seed: int = PYMC_SEED, weeks: int = PYMC_WEEKS, noise: float = 0.25,
         channels: tuple[str, ...] = ("x1", "x2"),
         scale: dict[str, float] | None = None) -> Synthetic:
    """The data-generating process of PyMC-Marketing's example MMM, in money: y = 2 +
    trend + season + 1.5 event_1 + 2.5 event_2 - 6 (price_index - 1) + sum_c beta_c
    logistic(adstock_c(x_c), lam_c) + N(0, `noise`), revenue = y x PYMC_REVENUE_SCALE,
    spend.c = x_c x PYMC_SPEND_SCALE[c] (x3 only when asked; beta_c times its `scale`).
    The truth's contribution of a channel is its additive term summed over the window
    (y minus y with its spend at zero); next year repeats the last 52 weeks' spend, price
    index and events."""
    rng = np.random.default_rng(seed)
    x = pymc_spend(rng, weeks)
    epsilon = rng.normal(0.0, noise, weeks)
    t = np.arange(weeks)
    x["x3"] = np.where(t % 13 < 6, rng.uniform(0.5, 1.0, weeks), 0.0)
    walk = np.cumsum(rng.normal(0, 0.01, weeks))
    dates = [PYMC_START + dt.timedelta(weeks=int(i)) for i in range(weeks + 52)]
    columns = {f"spend.{c}": np.round(x[c] * PYMC_SPEND_SCALE[c], 2) for c in channels}
    columns["control.price_index"] = np.round(1.0 + walk - walk.mean(), 4)
    for name in PYMC_EVENTS:
        columns[f"event.{name}"] = pymc_event(dates[:weeks], name)
    full = continued(columns, weeks)        # the events 52 weeks later: repeat_year
    for c in channels:
        full[f"spend.{c}"][weeks:] = planned_next_year(columns[f"spend.{c}"], dates[:weeks])
    media = {c: pymc_media(full[f"spend.{c}"] / PYMC_SPEND_SCALE[c], c)
             * (scale or {}).get(c, 1.0) * PYMC_REVENUE_SCALE for c in channels}
    expected = (pymc_base(dates, PYMC_WEEKS, full) * PYMC_REVENUE_SCALE
                + sum(media.values()))
    observed = expected[:weeks] + epsilon * PYMC_REVENUE_SCALE
    truth = Truth({}, {c: float(m[:weeks].sum()) for c, m in media.items()},
                  expected[:weeks], float(expected[weeks:].sum()), expected[weeks:])
    table = {"revenue": np.round(observed, 0), **columns}
    return Synthetic(tuple(dates[:weeks]), table, truth, noise)


def planned_next_year(spend: np.ndarray, dates: list[dt.date]) -> np.ndarray:
    """Money per week over the 52 weeks after the history as the drafted `continue`
    strategy spends it: last 52 weeks' money of the channel, by calendar month of each
    week's first day, spread evenly over the days of that month (its money per day by
    month), the total over the 365 days after the history last year's money."""
    rate = np.zeros(13)
    for day, money in zip(dates[-52:], spend[-52:], strict=True):
        rate[day.month] += money
    for month in range(1, 13):
        rate[month] /= (dt.date(2001 + month // 12, month % 12 + 1, 1)
                        - dt.date(2001, month, 1)).days
    start = dates[-1] + dt.timedelta(days=7)
    daily = np.array([rate[(start + dt.timedelta(days=i)).month] for i in range(365)])
    daily *= spend[-52:].sum() / daily.sum() if daily.sum() > 0 else 0.0
    return daily[:364].reshape(52, 7).sum(axis=1)


def pymc_information(synthetic: Synthetic, holdout: int = 13) -> dict[str, float]:
    """`information` for a `pymc` history: the standard error of each channel's effect
    relative to the effect, by least squares of revenue on everything the truth holds
    (trend, season, events, price index, each channel's logistic term at its true
    adstock and lam): an upper bound on what the history can tell."""
    columns, kept = synthetic.columns, len(synthetic.dates) - holdout
    dates = list(synthetic.dates)
    t = np.arange(len(dates)) * 50.0 / (PYMC_WEEKS - 1)
    day = np.array([d.timetuple().tm_yday for d in dates], dtype=float)
    design = [np.ones(len(dates)), (t + 10) ** 0.25, np.cos(2 * np.pi * day / 365.5),
              np.sin(4 * np.pi * day / 365.5), columns["control.price_index"]]
    design += [columns[f"event.{e}"] for e in PYMC_EVENTS]
    names = [k[len("spend."):] for k in columns if k.startswith("spend.")]
    design += [pymc_media(columns[f"spend.{c}"] / PYMC_SPEND_SCALE[c], c) for c in names]
    x = np.column_stack(design)[:kept]
    _, rss, *_ = np.linalg.lstsq(x, columns["revenue"][:kept], rcond=None)
    sigma2 = float(rss[0]) / (kept - x.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(x.T @ x)))[-len(names):]
    effect = np.linalg.lstsq(x, synthetic.truth.expected[:kept], rcond=None)[0]
    return {n: float(e / abs(t)) for n, e, t in zip(names, se, effect[-len(names):],
                                                     strict=True)}


KINDS = ("mktsim", "additive", "pymc")


def make(kind: str, seed: int, channels: list[str] | tuple[str, ...] | None = None,
         scale: dict[str, float] | None = None, weeks: int | None = None,
         noise: float | None = None) -> Synthetic:
    """A history of `kind` (mktsim, additive or pymc) with its own defaults for what is
    not given (channels: tv search social, or x1 x2 for pymc)."""
    if kind == "pymc":
        return pymc(seed, weeks or PYMC_WEEKS, 0.25 if noise is None else noise,
                    tuple(channels or ("x1", "x2")), scale)
    maker = additive if kind == "additive" else generate
    return maker(seed, weeks or 156, 0.05 if noise is None else noise,
                 tuple(channels or CHANNELS), scale)


def information_of(kind: str, synthetic: Synthetic) -> dict[str, float]:
    """`information` or `pymc_information`, as the kind needs."""
    return pymc_information(synthetic) if kind == "pymc" else information(synthetic)


def parse_scale(items: list[str]) -> dict[str, float]:
    """`search=3 social=0.5` as {channel: factor of its true effect}."""
    out = {}
    for item in items:
        channel, _, factor = item.partition("=")
        if channel not in CHANNELS + PYMC_CHANNELS or not factor:
            raise SystemExit(f"--scale {item}: expected CHANNEL=FACTOR, CHANNEL one of "
                             f"{', '.join(CHANNELS + PYMC_CHANNELS)}")
        out[channel] = float(factor)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--weeks", type=int, default=None,
                        help="default 156 (179 for --kind pymc)")
    parser.add_argument("--noise", type=float, default=None,
                        help="sd of the log (mktsim, additive; default 0.05) or of y "
                             "(pymc; default the notebook's 0.25)")
    parser.add_argument("--kind", choices=KINDS, default="mktsim",
                        help="mktsim's own model, the additive formula, or PyMC-Marketing's "
                             "example MMM (channels x1 x2 [x3], 179 weeks)")
    parser.add_argument("--additive", action="store_true", help="the same as --kind additive")
    parser.add_argument("--channels", nargs="+", default=None,
                        choices=CHANNELS + PYMC_CHANNELS)
    parser.add_argument("--scale", nargs="+", default=[], metavar="CHANNEL=FACTOR",
                        help="multiply a channel's true effect, e.g. search=3 social=0.5")
    args = parser.parse_args()
    kind = "additive" if args.additive else args.kind
    synthetic = make(kind, args.seed, args.channels, parse_scale(args.scale), args.weeks,
                     args.noise)
    print("wrote", synthetic.write_csv(args.out))
    for name, value in synthetic.truth.contributions.items():
        print(f"  contribution {name}: {value:,.0f}")
    print(f"  next year: {synthetic.truth.next_year:,.0f}")
    for name, error in information_of(kind, synthetic).items():
        print(f"  {name}: least-squares standard error {error:.0%} of its effect")


if __name__ == "__main__":
    main()
