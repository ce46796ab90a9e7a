"""The documents' deadlines (pure: today is passed in). Numbers come from each document's YAML `rules`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ...engine.expressions import add_months


@dataclass(frozen=True)
class Due:
    what: str
    due: dt.date | None
    note: str = ""

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def training_summary_dues(values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any]) -> list[Due]:
    """Published by placement on the EU market [P~/S]; a model placed before 2 Aug 2025 by 2 Aug 2027 [P];
    while trained on new data, a new version at least every six months [S]."""
    if not issued:
        placed = _date(values.get("placement_date"))
        legacy_before = _date(rules["legacy_placed_before"])
        if placed and placed < legacy_before:
            return [Due("Publish the summary (model placed before 2 August 2025)", _date(rules["legacy_deadline"]))]
        return [Due("Publish the summary (by placing the model on the EU market)", placed)]
    if values.get("continuous_training") == "yes":
        return [Due("Publish an updated version (continuous training: at least every "
                    f"{rules['update_interval_months']} months)",
                    add_months(max(issued), int(rules["update_interval_months"])))]
    return []


DUES = {"training_summary": training_summary_dues}


def dues(kind: str, values: dict[str, Any], issued: list[dt.date], rules: dict[str, Any],
         stages: list[tuple[str, dt.date]] | None = None) -> list[Due]:
    rule = DUES.get(kind)
    if rule is None:
        return []
    if kind in STAGED:
        return rule(values, stages or [], rules)
    return rule(values, issued, rules)


STAGED: set[str] = set()
