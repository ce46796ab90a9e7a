"""Names a newcomer can follow (#13 item 5): forms in forms.py, an import waits inside a function only when it is
slow or needs the app registry (#25), and a section is not also a "step" outside the wizard. Static checks over the
project's application Python."""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("questionnaire", "accounts", "compliance_checker")

# Modules of session 4's other helpers, still to give their hidden imports a reason; the lead empties this at merge.
IMPORTS_NOT_YET_EXPLAINED: set[str] = set()


def application_modules() -> dict[str, str]:
    """{path relative to the project: source} of every app module, migrations left out."""
    return {str(path.relative_to(ROOT)): path.read_text()
            for app in APPS for path in sorted((ROOT / app).rglob("*.py")) if "migrations" not in path.parts}


# The only reasons an import may wait inside a function (#25): it is slow (WeasyPrint, pypdf), or it needs the
# app registry (an app's ready()). An import cycle is no reason: it is broken instead (import-linter's contracts
# in pyproject.toml keep the layers).
ALLOWED_REASONS = ("heavy:", "app registry")


def hidden_imports_without_reason(source: str) -> list[int]:
    """Line numbers of imports inside a function without an allowed reason (ALLOWED_REASONS) in a comment on
    them or on the line above their run of imports (consecutive imports share the comment above the first)."""
    lines = source.splitlines()
    bare = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [n for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)]
        covered = {line for n in imports for line in range(n.lineno, n.end_lineno + 1)}
        for node in imports:
            above = node.lineno - 1
            while above in covered or (above - 1 in covered and not lines[above - 1].strip()):
                above -= 1
            comments = [line.split("#", 1)[1] for line in lines[node.lineno - 1:node.end_lineno] if "#" in line]
            if above >= 1 and lines[above - 1].strip().startswith("#"):
                comments.append(lines[above - 1])
            if not any(reason in comment for comment in comments for reason in ALLOWED_REASONS):
                bare.append(node.lineno)
    return sorted(bare)


def test_every_import_inside_a_function_is_slow_or_waits_for_the_app_registry():
    found = {path: lines for path, source in application_modules().items()
             if path not in IMPORTS_NOT_YET_EXPLAINED and (lines := hidden_imports_without_reason(source))}
    assert found == {}, ("an import inside a function must be slow (comment \"# heavy: ...\") or wait for the app "
                         f"registry (\"... app registry ...\"); otherwise it belongs at the top: {found}")


def test_the_import_check_finds_a_bare_or_circular_import_and_accepts_a_slow_one():
    bare = "def f():\n    from .pdf import Source\n\n    return Source\n"
    circular = "def f():\n    # circular: pdf imports this module\n    from .pdf import Source\n\n    return Source\n"
    explained = "def f():\n    # heavy: pdf imports WeasyPrint\n    from .pdf import Source\n\n    return Source\n"
    trailing = "def f():\n    from .pdf import Source  # heavy: WeasyPrint\n    return Source\n"
    registry = "def ready(self):\n    # models exist only once the app registry is ready\n    from .models import M\n"
    assert hidden_imports_without_reason(bare) == [2]
    assert hidden_imports_without_reason(circular) == [3]
    assert hidden_imports_without_reason(explained) == []
    assert hidden_imports_without_reason(trailing) == []
    assert hidden_imports_without_reason(registry) == []


def _form_bases(node: ast.ClassDef) -> list[str]:
    return [ast.unparse(base) for base in node.bases if ast.unparse(base).endswith("Form")]


def test_forms_are_defined_in_forms_modules():
    """Form classes live in an app's forms.py; the admin's forms stay with the admin."""
    misplaced = [f"{path}:{node.lineno} {node.name}"
                 for path, source in application_modules().items()
                 if Path(path).name not in ("forms.py", "admin.py")
                 for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.ClassDef) and _form_bases(node)]
    assert misplaced == []


# formtools' own names (its URL kwarg `step`, hooks such as process_step) are used in the wizard only; the
# content's "next steps" (what to do next) are a different concept and keep their name.
STEP_ALLOWED = ("next_step", "nextstep")


def test_a_section_is_not_called_a_step_outside_the_wizard():
    found = []
    for path, source in application_modules().items():
        if path == "questionnaire/assessments/wizard.py":
            continue
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
        for index, token in enumerate(tokens):
            name = token.string.lower()
            if token.type != tokenize.NAME or "step" not in name or any(a in name for a in STEP_ALLOWED):
                continue
            if name == "step" and tokens[index + 1].string == "=":  # the URL kwarg formtools names `step`
                continue
            found.append(f"{path}:{token.start[0]} {token.string}")
    assert found == []
