"""The track document's report tables (the re-optimised rest of the year)."""

from __future__ import annotations

from mktsim.report.fmt import (
    MONEY,
    PERCENT,
    TEXT,
    label,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import money_header
from mktsim.report.tables.model import Table, records


def reoptimize_changes_table(results: Results) -> Table | None:
    """Money per channel after the as-of date: planned -> re-optimised (track.json)."""
    re = (results.track or {}).get("reoptimize")
    if not re:
        return None
    rows = [dict(c, channel=label(c["channel"])) for c in re.get("channels") or []]
    rem = re.get("remaining") or {}
    if rows and rem:
        rows.append({"channel": "All media", "spent": rem.get("spent"),
                     "before": rem.get("before"), "after": rem.get("after"),
                     "change": (rem.get("after") or 0.0) - (rem.get("before") or 0.0)})
    columns = [("channel", "Channel", TEXT),
               ("spent", money_header("Spent to date", results), MONEY),
               ("before", money_header("Planned after", results), MONEY),
               ("after", money_header("New plan after", results), MONEY),
               ("change", money_header("Change", results), MONEY)]
    return records("reoptimize_changes",
                    f"Rest of the year from {re.get('first_day')}: money per channel", rows,
                    columns)


def reoptimize_targets_table(results: Results) -> Table | None:
    """Each target given the actuals under the plan and the re-optimised plan."""
    re = (results.track or {}).get("reoptimize")
    if not re:
        return None
    rows = []
    for t in re.get("targets") or []:
        before, after = t.get("before") or {}, t.get("after") or {}
        b_int, a_int = before.get("interval") or [None, None], \
            after.get("interval") or [None, None]
        rows.append({"id": t.get("id"), "confidence": t.get("confidence"),
                     "before": before.get("probability"), "before_low": b_int[0],
                     "before_high": b_int[1], "after": after.get("probability"),
                     "after_low": a_int[0], "after_high": a_int[1],
                     "verdict": "deadline before the as-of date" if not after else
                     ("met" if t.get("met") else f"short by {t.get('shortfall', 0):.0%}")})
    columns = [("id", "Target", TEXT), ("confidence", "Confidence", PERCENT),
               ("before", "Plan", PERCENT), ("before_low", "Plan low", PERCENT),
               ("before_high", "Plan high", PERCENT), ("after", "New plan", PERCENT),
               ("after_low", "New plan low", PERCENT),
               ("after_high", "New plan high", PERCENT), ("verdict", "Verdict", TEXT)]
    reps = (re.get("verified") or {}).get("replications")
    note = f"New plan: checked with {reps:,} fresh runs conditioned on the actuals." \
        if isinstance(reps, int) else ""
    return records("reoptimize_targets", "Rest of the year: targets given the actuals",
                    rows, columns, note)
