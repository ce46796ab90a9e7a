"""Test data: synthetic questionnaires that are larger copies of the real one."""

from __future__ import annotations

import copy
import re
from typing import Any

from questionnaire.engine import build_spec
from questionnaire.engine.spec import spec_to_content


def scaled_content(content: dict[str, Any], factor: int, *, label: str | None = None) -> dict[str, Any]:
    """The real questionnaire plus (factor - 1) renamed copies of its sections and facts, each copy with
    expressions as complex as the real ones; the real sections keep their codes and results."""
    base = spec_to_content(build_spec(content))
    out = copy.deepcopy(base)
    names = sorted([q["code"] for s in base["sections"] for q in s["questions"]] + [f["name"] for f in base["facts"]],
                   key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    for i in range(1, factor):
        def rename(text, i=i):
            return pattern.sub(lambda m: f"{m.group(1)}_x{i}", text) if text else text

        for section in copy.deepcopy(base["sections"]):
            section["code"] = f"{section['code']}_x{i}"
            if section.get("visible_if"):
                section["visible_if"] = rename(section["visible_if"])
            for q in section["questions"]:
                q["code"] = f"{q['code']}_x{i}"
                if q.get("visible_if"):
                    q["visible_if"] = rename(q["visible_if"])
            out["sections"].append(section)
        for fact in copy.deepcopy(base["facts"]):
            fact["name"] = f"{fact['name']}_x{i}"
            fact["expr"] = rename(fact["expr"])
            out["facts"].append(fact)
    out["scenarios"] = out["scenarios"][:2]
    if label:
        out["version"] = label
    return out
