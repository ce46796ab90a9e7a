"""The commands of contract.md §3, run as a user would."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import ROOT, public_scenarios

pytestmark = pytest.mark.django_db


def assess(answers, *, tmp_path) -> dict:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers, default=str))
    out = io.StringIO()
    call_command("assess", "--input", str(path), stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.mark.parametrize("case", public_scenarios(), ids=lambda c: c["id"])
def test_assess_gives_the_expected_result(published, case, tmp_path):
    result = assess(case["answers"], tmp_path=tmp_path)
    for key, expected in case["expected"].items():
        if key == "deadlines":  # compared key by key, like the top-level keys (S51 gives one deadline)
            expected = {k: str(v) for k, v in expected.items()}
            assert {k: result[key].get(k) for k in expected} == expected, key
            continue
        assert result[key] == expected, key
    assert result["questionnaire"]["version"] == published.label
    assert result["questionnaire"]["content_hash"] == published.content_hash


def test_assess_works_before_the_questionnaire_is_loaded(tmp_path):
    result = assess({"role": "deployer_only"}, tmp_path=tmp_path)
    assert result["classification"] == "OUT_OF_SCOPE" and result["role_outcome"] == "deployer"


def test_assess_reports_missing_answers_with_exit_0(published, tmp_path):
    result = assess({"role": "developer"}, tmp_path=tmp_path)
    assert "eu_market_placement" in result["missing_required"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"colour": "blue"}', "“colour”: unknown question code"),
        ('{"role": "emperor"}', "“role”: “emperor” is not one of"),
        ('{"weights_public": "perhaps"}', "“weights_public”"),
        ('{"training_compute_flop": {"a": 1}}', "“training_compute_flop”"),
        ('{"role": ', "unreadable JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_assess_bad_input_exits_2_naming_the_problem(published, tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(CommandError) as info:
        call_command("assess", "--input", str(path), stdout=io.StringIO())
    assert info.value.returncode == 2
    assert message in str(info.value)


def test_assess_reads_standard_input_in_a_real_process():
    """The command line as a script would use it (own process, own SQLite file, no migrate)."""
    completed = subprocess.run(
        [sys.executable, "manage.py", "assess", "--input", "-"], cwd=ROOT, input='{"role": "deployer_only"}',
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["role_outcome"] == "deployer"
    bad = subprocess.run(
        [sys.executable, "manage.py", "assess", "--input", "-"], cwd=ROOT, input='{"rol": 1}',
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert bad.returncode == 2 and "“rol”: unknown question code" in bad.stderr


def test_render_report_in_a_real_process_caches_its_bytecode_and_skips_the_checks(tmp_path):
    """The command as outside checks time it: its own process, with PYTHONDONTWRITEBYTECODE set as in the Docker
    image. The modules it compiles are cached under VAR_DIR/pycache for the next run (manage.cache_bytecode); it
    imports no URL configuration (no system checks: requires_system_checks); it ends at once (manage.end_now)
    with its file written and its exit status kept."""
    scenario = next(case for case in public_scenarios() if case["id"] == "T38")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(scenario["answers"], default=str))
    output = tmp_path / "report.pdf"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "VAR_DIR": str(tmp_path / "var")}
    env.pop("PYTHONPYCACHEPREFIX", None)
    completed = subprocess.run(  # noqa: S603 (our own command line)
        [sys.executable, "-X", "importtime", "manage.py", "render_report", "--input", str(answers), "--output",
         str(output)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert output.read_bytes().startswith(b"%PDF-") and completed.stdout.startswith(f"Wrote {output}")
    cached = {path.name for path in (tmp_path / "var" / "pycache").rglob("*.pyc")}
    assert any(name.startswith("render_report.") for name in cached)
    assert any(name.startswith("document.") for name in cached)  # weasyprint/document.py
    imported = {line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines() if "|" in line}
    assert "questionnaire.reports.pdf" in imported
    assert "compliance_checker.urls" not in imported
    bad = subprocess.run([sys.executable, "manage.py", "render_report", "--input", "-", "--output", str(output)],  # noqa: S603
                         cwd=ROOT, env=env, input='{"rol": 1}', capture_output=True, text=True, timeout=300,
                         check=False)
    assert bad.returncode == 2 and "“rol”: unknown question code" in bad.stderr


def test_load_and_validate_commands(tmp_path, no_content):
    out = io.StringIO()
    call_command("load_questionnaire", stdout=out)
    assert out.getvalue().startswith("Published gpai")
    out = io.StringIO()
    call_command("load_questionnaire", stdout=out)
    assert out.getvalue().startswith("Unchanged")
    out = io.StringIO()
    call_command("validate_questionnaire", stdout=out)
    assert "valid" in out.getvalue()


def test_export_prints_yaml_that_load_accepts(published, tmp_path):
    out = io.StringIO()
    call_command("export_questionnaire", "--version", published.label, stdout=out)
    path = tmp_path / "export.yaml"
    path.write_text(out.getvalue())
    out = io.StringIO()
    call_command("load_questionnaire", str(path), stdout=out)
    assert out.getvalue().startswith("Unchanged")


def test_validate_lists_every_problem_by_name(tmp_path, settings):
    content = settings.QUESTIONNAIRE_CONTENT.read_text()
    broken = content.replace('expr: role == "deployer_only"', 'expr: rolle == "deployer_only"')
    broken = broken.replace("label: Art. 54\n", "label: ''\n")
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(CommandError) as info:
        call_command("validate_questionnaire", str(path))
    message = str(info.value)
    assert "fact is_deployer: unknown name “rolle”" in message
    assert "obligation ART54: needs an article label" in message
    with pytest.raises(CommandError):
        call_command("load_questionnaire", str(path))


def test_validate_checks_the_newest_draft(published, spec):
    from questionnaire import models as m
    from questionnaire.authoring.content import create_draft
    from questionnaire.engine import build_spec, spec_to_content

    content = spec_to_content(spec)
    content["version"] = "next"
    draft = create_draft(build_spec(content))
    m.Obligation.objects.filter(version=draft, code="ART54").update(applies_if="gpai_provider and nonsense")
    with pytest.raises(CommandError, match="obligation ART54: unknown name “nonsense”"):
        call_command("validate_questionnaire")


def test_assess_lists_contradictory_answers_and_still_gives_the_law_with_exit_0(tmp_path):
    """In this process (test_assess_reads_standard_input_in_a_real_process runs the command in its own)."""
    (s54,) = [c for c in public_scenarios() if c["id"] == "S54"]  # cumulative 5e24 typed below training 9e24
    path = tmp_path / "s54.json"
    path.write_text(json.dumps(s54["answers"], default=str))
    out, err = io.StringIO(), io.StringIO()
    call_command("assess", "--input", str(path), stdout=out, stderr=err)  # exit 0: no CommandError
    result = json.loads(out.getvalue())
    assert [c["check"] for c in result["answer_checks"]] == ["cumulative_below_training"]
    assert "cannot be lower than the compute that updated the parameters" in err.getvalue()
    assert result["flags"] == ["WITHIN_30PCT_OF_1E25_MONITOR"]  # 9e24, the larger of the two, counts


def test_make_run_starts_again_after_an_admin_published(published, django_user_model):
    """#26: load_questionnaire (make run, every deployment's start-up) succeeds on the unchanged checkout after an
    admin published a version, says so, and leaves the admin's version current."""
    from questionnaire import models as m
    from questionnaire.authoring.content import clone_version, publish

    admin = django_user_model.objects.create_user("admin-author", "aa@example.org", "x")
    draft = clone_version(published, user=admin)
    m.Question.objects.filter(version=draft, code="role").update(help="The admin's help text.")
    admins = publish(draft, user=admin)
    out = io.StringIO()
    call_command("load_questionnaire", stdout=out)
    assert out.getvalue().startswith("Unchanged")
    assert f"Current: gpai {admins.label}" in out.getvalue()
    admins.refresh_from_db()
    assert admins.status == "published"
