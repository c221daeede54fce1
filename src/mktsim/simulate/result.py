"""The result of running one strategy: KPIs, target verdicts, daily series, channels, leaks.

Tables are pandas DataFrames with tidy columns; `to_dict` gives the JSON document
described in docs/results-format.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from ..documents.files import write_atomic
from ..documents.run import (
    Channel,
    CompetitorMove,
    Decision,
    Kpi,
    RunDocument,
    Series,
    Target,
)
from ..engine.layout import CHANNEL_TOTAL_NAMES, LEAK_NAMES
from ..engine.montecarlo import Run
from ..kpis import KPI_NAMES, KPIS, unit_label
from ..model.measures import horizon_values
from ..rules.log import (
    aggregate_competitor_moves,
    observed_frame,
    review_tally,
)
from ..scenario.load import LoadedSpec
from .spend import SpendLines, spend_lines
from .stats import summarize
from .targets import Verdict

if TYPE_CHECKING:
    import pandas as pd


def nan_percentiles(values: np.ndarray, q: list[float]) -> np.ndarray:
    """`np.nanpercentile(values, q, axis=0)`, equal to it, but sorting whole columns at once
    where they have no NaN (numpy goes column by column in Python as soon as one has)."""
    gaps = np.isnan(values).any(axis=0)
    out = np.percentile(values, q, axis=0)
    if gaps.any():
        out[:, gaps] = np.nanpercentile(values[:, gaps], q, axis=0)
    return out


class _FromReviews:
    """A field of RunResult aggregated from the run's review logs (`rules.log`: its
    `aggregate(run)`, from the run's review tally or its logs) when first read, unless set
    to a non-empty list: `compare` and `optimize` never read them, and
    aggregating an adaptive run's logs costs about 0.3 ms a replication."""

    def __init__(self, aggregate: Any) -> None:
        self.aggregate = aggregate

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, result: Any, owner: type | None = None) -> Any:
        if result is None:
            return None  # the field's default: aggregated when read
        value = result.__dict__.get(self.slot)
        if not value:
            reviews = getattr(result.run, "reviews", [])
            value = (self.aggregate(result.run) if any(log is not None for log in reviews)
                     else [])
            result.__dict__[self.slot] = value
        return value

    def __set__(self, result: Any, value: Any) -> None:
        result.__dict__[self.slot] = value


@dataclass
class RunResult:
    """One strategy's Monte Carlo run and its verdicts."""

    loaded: LoadedSpec
    run: Run
    verdicts: list[Verdict]
    decisions: list[dict[str, Any]] = _FromReviews(  # type: ignore[assignment]
        lambda run: review_tally(run).decisions())
    #: {channel: {units, revenue, margin, roi, cac}: {mean, interval}} from runs without
    #: each channel (`simulate.incremental`); None when not measured
    incremental: dict[str, dict[str, Any]] | None = None
    written: list[Path] = field(default_factory=list)  # files `Scenario.run` wrote
    #: the competitors' moves grouped over replications (`rules.log`), with their days
    competitor_moves: list[dict[str, Any]] = _FromReviews(  # type: ignore[assignment]
        lambda run: aggregate_competitor_moves(run.reviews))
    #: each promotion's gross lift, dip, net lift and net ROI (`simulate.promotions`)
    promotions: list[dict[str, Any]] = field(default_factory=list)

    def observed(self) -> pd.DataFrame:
        """What the reviews saw vs the truth: day, date, kpi, as_of, observed (mean, p5,
        p95 over replications), true (mean). Empty when the strategy has no rules."""
        return observed_frame(getattr(self.run, "reviews", []), self.loaded.spec.start_date)

    @property
    def strategy(self) -> str:
        """The strategy that was run."""
        return self.run.plan.strategy

    @property
    def dates(self) -> list[dt.date]:
        """Calendar date of each simulated day."""
        start = self.loaded.spec.start_date
        return [start + dt.timedelta(days=d) for d in range(self.run.plan.horizon)]

    def kpi_rows(self) -> dict[str, dict[str, Any]]:
        """{kpi: {mean, p5, p50, p95, unit, kind}}: the rows of `kpis`, without pandas."""
        currency = self.loaded.spec.currency
        return {name: {**summarize(horizon_values(self.run.daily, name)),
                       "unit": unit_label(KPIS[name], currency), "kind": KPIS[name].kind}
                for name in KPI_NAMES}

    def kpis(self) -> pd.DataFrame:
        """One row per KPI: value at the horizon (mean, p5, p50, p95), unit and kind."""
        import pandas as pd

        rows = [{"kpi": name, **row} for name, row in self.kpi_rows().items()]
        return pd.DataFrame(rows).set_index("kpi")

    def targets(self) -> pd.DataFrame:
        """One row per target with its probability, interval and verdict."""
        import pandas as pd

        rows = [{
            "id": v.target.id, "metric": v.target.metric, "threshold": v.threshold,
            "direction": v.direction, "by": self.dates[v.day], "probability": v.probability,
            "low": v.interval[0], "high": v.interval[1], "confidence": v.confidence,
            "met": v.met, "verdict": v.verdict, "expected": v.value["mean"],
        } for v in self.verdicts]
        return pd.DataFrame(rows)

    def series(self) -> pd.DataFrame:
        """Tidy daily series: day, date, kpi, mean, p5, p50, p95."""
        import pandas as pd

        daily = self.run.daily
        mean, q = self.daily_quantiles()
        frames = []
        for k, name in enumerate(KPI_NAMES):
            frames.append(pd.DataFrame({
                "day": np.arange(daily.shape[2]), "date": self.dates, "kpi": name,
                "mean": mean[k], "p5": q[0, k], "p50": q[1, k], "p95": q[2, k]}))
        return pd.concat(frames, ignore_index=True)

    def daily_quantiles(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean [K, D] and 5th, 50th, 95th percentiles [3, K, D] of the daily KPIs over
        replications (NaN ignored)."""
        import warnings

        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return (np.nanmean(self.run.daily, axis=0),
                    nan_percentiles(self.run.daily, [5, 50, 95]))

    def channel_rows(self) -> dict[str, dict[str, Any]]:
        """{channel: {type, spend, media, commission, new_customers, ..., roi, cac}}: the
        rows of `channels` as plain floats (the same numbers), without pandas."""
        plan = self.run.plan
        if not self.run.replications:
            return {}
        means = self.run.channels.mean(axis=0)
        cols = {name: means[:, j] for j, name in enumerate(CHANNEL_TOTAL_NAMES)}
        cols["saturation"] = cols["saturation"] / plan.horizon
        lines = self.spend()
        spend, customers = cols["spend"], cols["new_customers"]
        with np.errstate(divide="ignore", invalid="ignore"):
            roi = (cols["gross_margin"] - spend) / np.where(spend > 0, spend, np.nan)
            cac = spend / np.where(customers > 0, customers, np.nan)
        ordered = {"spend": spend, "media": lines.channel_media.mean(axis=0),
                   "commission": lines.channel_commission.mean(axis=0),
                   **{n: cols[n] for n in CHANNEL_TOTAL_NAMES[1:]}, "roi": roi, "cac": cac}
        values = {k: v.tolist() for k, v in ordered.items()}
        types = {n: c.type for n, c in self.loaded.spec.channels.items()}
        return {str(name): {"type": types[name], **{k: v[i] for k, v in values.items()}}
                for i, name in enumerate(plan.channels)}

    def channels(self) -> pd.DataFrame:
        """Per channel means: spend, new customers, revenue, margin, ROI, CAC, saturation."""
        import pandas as pd

        plan = self.run.plan
        means = self.run.channels.mean(axis=0) if self.run.replications else np.zeros((0, 0))
        df = pd.DataFrame(means, index=list(plan.channels), columns=list(CHANNEL_TOTAL_NAMES))
        df["saturation"] = df["saturation"] / plan.horizon
        lines = self.spend()
        if self.run.replications:
            df.insert(1, "media", lines.channel_media.mean(axis=0))
            df.insert(2, "commission", lines.channel_commission.mean(axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            df["roi"] = (df["gross_margin"] - df["spend"]) / df["spend"].where(df["spend"] > 0)
            df["cac"] = df["spend"] / df["new_customers"].where(df["new_customers"] > 0)
        types = {n: c.type for n, c in self.loaded.spec.channels.items()}
        df.insert(0, "type", [types[n] for n in df.index])
        df.index.name = "channel"
        return df

    def spend(self) -> SpendLines:
        """The marketing spend of each replication by line, against the strategy's budget
        (see `mktsim.simulate.spend`)."""
        return spend_lines(self.run, self.loaded.spec.strategies[self.strategy].budget)

    def leaks(self) -> dict[str, float]:
        """Mean counts of what was lost where over the horizon."""
        means = self.run.leaks.mean(axis=0)
        return {name: float(means[i]) for i, name in enumerate(LEAK_NAMES)}

    def budget_by_month(self) -> dict[str, dict[str, float]]:
        """Planned media money by channel and calendar month (YYYY-MM)."""
        plan = self.run.plan
        months = [d.strftime("%Y-%m") for d in self.dates]
        return {name: month_sums(plan.spend[i], months) for i, name in enumerate(plan.channels)}

    def frame(self) -> pd.DataFrame:
        """Tidy KPIs at the horizon: one row per KPI with kpi, mean, p5, p50, p95, unit,
        kind."""
        return self.kpis().reset_index()

    def document(self, series: bool = True) -> RunDocument:
        """The typed run document (`series`: with the daily series)."""
        return run_doc(self, series)

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        """The run as a JSON-ready document (see docs/results-format.md)."""
        return run_document(self, series)

    def save(self, folder: str | Path, fmt: str = "csv") -> list[Path]:
        """run.json, kpis/targets/channels tables and the daily series (`fmt` csv or
        parquet) into `folder`. A report from them: `mktsim.write_report(folder, ...)`."""
        return write_run(self, Path(folder), fmt)


def month_sums(values: np.ndarray, months: list[str]) -> dict[str, float]:
    """{month: sum of the values of its days}, months sorted: the numbers of pandas'
    `Series(values, index=months).groupby(level=0, sort=True).sum()` (the days of each
    month added by `np.add.reduceat`, as pandas does), without importing pandas. Values
    with NaN (which pandas skips) go to pandas."""
    if np.isnan(values).any():
        import pandas as pd

        sums = pd.Series(values, index=months).groupby(level=0, sort=True).sum()
        return {str(m): float(v) for m, v in sums.items()}
    if not months:
        return {}
    order = sorted(range(len(months)), key=months.__getitem__)  # stable: days in order
    ranked = [months[i] for i in order]
    starts = [k for k in range(len(ranked)) if k == 0 or ranked[k] != ranked[k - 1]]
    totals = np.add.reduceat(np.asarray(values, dtype=float)[order], starts)
    return {ranked[k]: float(v) for k, v in zip(starts, totals, strict=True)}


def drawn_paths(run: RunResult | None) -> list[str] | None:
    """Scenario paths drawn per replication from `uncertainties:` in a run (None: none)."""
    return None if run is None else run.run.sample_paths()


def joint_draws(run: RunResult | None) -> dict[str, list[str]] | None:
    """{draws file: the paths a run drew jointly from its rows} (None: no joint draws)."""
    from ..scenario.uncertainty.joint_draws import joint_paths

    drawn = drawn_paths(run)
    if run is None or not drawn:
        return None
    return joint_paths(run.loaded.data.get("uncertainties"), drawn) or None


def run_document(result: RunResult, series: bool = True) -> dict[str, Any]:
    """Build the JSON document of a run."""
    return run_doc(result, series).to_dict()


def run_doc(result: RunResult, series: bool = True) -> RunDocument:
    """The typed document of a run."""
    spec = result.loaded.spec
    kpis = result.kpi_rows()
    return RunDocument(
        name=spec.name, scenario_hash=result.loaded.content_hash,
        strategy=result.strategy, seed=result.run.seed,
        replications=result.run.replications, version=__version__,
        currency=spec.currency, start_date=spec.start_date,
        horizon_days=spec.horizon_days, market_size=spec.market.size,
        fixed=dict(result.loaded.fixed),
        parameter_uncertainty=drawn_paths(result), joint_draws=joint_draws(result),
        labels=spec.labels(), scenario=result.loaded.source,
        kpis={str(k): Kpi(str(k), row["unit"], row["kind"], row["mean"], row["p5"],
                          row["p50"], row["p95"]) for k, row in kpis.items()},
        targets=[_target_doc(v, result) for v in result.verdicts],
        channels=_channel_docs(result),
        budget=result.budget_by_month(),
        spend=result.spend().means(),
        leaks=result.leaks(),
        decisions=[Decision(**d) for d in result.decisions],
        competitor_moves=[CompetitorMove(**m) for m in result.competitor_moves],
        promotions=list(result.promotions),
        rules=review_tally(result.run).rule_rows(),
        observed=_observed_records(result),
        series=_series_doc(result) if series else None,
    )


def _target_doc(v: Verdict, result: RunResult) -> Target:
    t = v.target
    return Target(id=t.id, metric=t.metric, threshold=v.threshold, direction=v.direction,
                  by=result.dates[v.day], level=t.level, confidence=v.confidence,
                  serves=t.serves, owner=t.owner, probability=v.probability,
                  interval=(v.interval[0], v.interval[1]), met=v.met, verdict=v.verdict,
                  value=v.value)


def _channel_docs(result: RunResult) -> list[Channel]:
    found = result.incremental
    return [Channel(name, row["type"], {k: v for k, v in row.items() if k != "type"},
                    None if found is None else found.get(name))
            for name, row in result.channel_rows().items()]


def _observed_records(result: RunResult) -> list[dict[Any, Any]]:
    """`RunResult.observed` as records ([] without observations, without pandas)."""
    reviews = getattr(result.run, "reviews", [])
    if not any(log is not None and log.observed for log in reviews):
        return []
    return result.observed().to_dict(orient="records")


def _series_doc(result: RunResult) -> Series:
    mean, q = result.daily_quantiles()
    kpis = {name: {"mean": mean[k], "p5": q[0, k], "p50": q[1, k], "p95": q[2, k]}
            for k, name in enumerate(KPI_NAMES)}
    return Series(list(range(result.run.plan.horizon)), result.dates, kpis)


def write_run(result: RunResult, out: Path, fmt: str = "csv") -> list[Path]:
    """run.json, kpis/targets/channels tables and the daily series (csv or parquet)."""
    import io

    from ..documents.jsontext import dumps

    files: dict[str, bytes | str] = {
        "run.json": dumps(result.to_dict(), indent=1),
        "kpis.csv": result.kpis().to_csv(),
        "targets.csv": result.targets().to_csv(index=False),
        "channels.csv": result.channels().to_csv(),
    }
    if fmt == "parquet":
        buf = io.BytesIO()
        result.series().to_parquet(buf, index=False)
        files["series.parquet"] = buf.getvalue()
    else:
        files["series.csv"] = result.series().to_csv(index=False)
    paths = []
    for name, data in files.items():
        write_atomic(out / name, data)
        paths.append(out / name)
    return paths
