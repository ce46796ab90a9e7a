"""Golden scenarios follow a reviewed change: when a draft changes results (a threshold moved), the admin sees each
scenario's old and new result (engine.scenario_changes) and accepts the new ones for the draft in one action;
publishing still refuses a draft whose scenarios do not give their expectations."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from django.db import transaction

from .. import models as m
from ..core.versions import authored_spec
from ..engine import ScenarioChange, scenario_changes


@transaction.atomic
def accept_scenario_results(version: m.QuestionnaireVersion) -> list[ScenarioChange]:
    """Store the new results as the expectation of every golden scenario of the draft `version` whose result
    changed (the same keys each scenario expected); the accepted changes, for the audit log. A scenario that
    cannot be evaluated is left for the admin to fix."""
    version = m.QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_draft:
        raise ValueError(f"{version} is {version.status}, not a draft: its scenarios are frozen")
    accepted = [change for change in scenario_changes(authored_spec(version)) if not change.error]
    rows = {row.code: row for row in m.Scenario.objects.filter(version=version, code__in=[c.id for c in accepted])}
    for change in accepted:
        rows[change.id].expected = dict(change.accepted)
    m.Scenario.objects.bulk_update(list(rows.values()), ["expected"])
    return accepted


def accept_in_file(text: str, changes: list[ScenarioChange]) -> str:
    """A content file's text with the `expected:` block of each changed scenario replaced by its new results;
    every other line (comments, the other scenarios) is kept as written. For `validate_questionnaire
    --accept-results` on a YAML file."""
    lines = text.split("\n")
    for change in changes:
        if change.error:
            continue
        start = next((i for i, line in enumerate(lines) if line.strip() in (f"- id: {change.id}",
                      f"- id: '{change.id}'", f'- id: "{change.id}"')), None)
        if start is None:
            continue
        item_indent = len(lines[start]) - len(lines[start].lstrip()) + 2  # the keys of the "- id:" item
        end = next((i for i in range(start + 1, len(lines)) if lines[i].strip()
                    and len(lines[i]) - len(lines[i].lstrip()) < item_indent), len(lines))
        head = next((i for i in range(start, end) if lines[i].strip() == "expected:"
                     or lines[i].strip().startswith("expected: ")), None)
        if head is None:
            continue
        stop = next((i for i in range(head + 1, end) if lines[i].strip()
                     and len(lines[i]) - len(lines[i].lstrip()) <= item_indent), end)
        block = yaml.safe_dump({"expected": _plain(change.accepted)}, sort_keys=False, allow_unicode=True,
                               width=110).rstrip("\n").split("\n")
        lines[head:stop] = [" " * item_indent + line for line in block]
    return "\n".join(lines)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _plain(value: Any) -> Any:
    """JSON values as the file writes them: an ISO date unquoted, as a date."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
