"""What must never reach a client document: our internal markers.

A report, a result page, a CSV or an exported document is read by the client's lawyers and filed. Our reference's
edge-case numbers, its file names, the engine's keys, template placeholders left unfilled, confidence tags and
instructions for using the application mean nothing there (lawyer's review of 2026-12-05, U1–U4). The publish-time
lint refuses them in authored texts (`lint`), and the tests look for them in every rendered report.
"""

from __future__ import annotations

import re

# Anywhere, also on the wizard's pages: the reference's edge-case numbers and file names, engine keys and ids.
_EVERYWHERE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bedge[- ]cases?\s+E?\d+", re.IGNORECASE), "an edge-case number of our reference"),
    (re.compile(r"(?<![\w.-])E(?:[1-9]|[1-3]\d)\b(?![.\d])"), "an edge-case number of our reference"),
    (re.compile(r"[\w-]+\.(?:md|ya?ml|py)\b"), "a file name of the project"),
    (re.compile(r"(?<![\w-])(?:result|facts|answers|snapshot)\.[a-z_]+\b"), "a key of the engine's result"),
    (re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"), "an engine key (a name with underscores)"),
    (re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b"), "an engine id (a name with underscores)"),
    (re.compile(r"\b(?:TODO|FIXME|XXX|TBD)\b"), "an editor's note"),
    (re.compile(r"\[(?:P~?|S|U)\]"), "a confidence tag of our reference"),
)
# Only in what is printed for the client (results, reports, exports): placeholders and instructions for the app.
_PRINTED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}"), "a template placeholder"),
    (re.compile(r"\banswer the question\b|\bthe result (?:page )?shows\b|\bclick\b|\bsection \"",
                re.IGNORECASE), "an instruction for using the application"),
)
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def internal_markers(text: str, *, printed: bool = True, placeholders_allowed: bool = False) -> list[str]:
    """The internal markers in `text`, each as "what: the words found". `printed`: the text reaches a client
    document (a result, a report, an export), not only the wizard's page. `placeholders_allowed`: an authored
    text whose {name} placeholders the engine fills (they are not looked into)."""
    if not text:
        return []
    if placeholders_allowed:
        text = _PLACEHOLDER.sub(" ", text)
    found, taken = [], []
    for pattern, what in (_PRINTED if printed else ()) + _EVERYWHERE:  # "{notify_by}": a placeholder, first
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue  # "edge case E20" is one marker, not two
            taken.append(match.span())
            found.append(f"{what}: “{match.group(0)}”")
    return found
