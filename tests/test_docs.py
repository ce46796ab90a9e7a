"""The docs name what the code reads (#25): README's Settings table lists every environment variable the settings
and gunicorn read, and `.env.example` and docs/deploy.md name no variable and no command the README does not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")
READ = re.compile(r"""(?:environ(?:\.get)?[(\[]|env_\w+\()\s*["']([A-Z][A-Z0-9_]+)["']""")
COMMAND = re.compile(r"""manage\.py["']?(?:,\s*["']|\s+)([a-z_]+)""")  # `manage.py x` and ["manage.py", "x"]
DJANGOS_OWN = {"migrate", "clearsessions", "collectstatic", "createsuperuser", "check", "shell"}


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def table_names(path: str, heading: str) -> set[str]:
    """The variables a table of the section names (in any column: "`EMAIL_URL` (or `EMAIL_HOST`, ...)")."""
    rows = [line for line in section(read(path), heading).splitlines() if line.startswith("| `")]
    return {name for row in rows for name in NAME.findall(row)}


def readme_settings() -> set[str]:
    return table_names("README.md", "Settings")


def test_every_variable_the_code_reads_is_in_the_readme():
    read_by_code = {name for path in ("compliance_checker/settings.py", "gunicorn.conf.py")
                    for name in READ.findall(read(path))}
    assert read_by_code - readme_settings() == set()


def test_env_example_and_deploy_name_only_the_readme_settings():
    env_example = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", read(".env.example"), re.MULTILINE))
    deploy = table_names("docs/deploy.md", "Environment variables")
    assert env_example - readme_settings() == set()
    assert deploy - readme_settings() == set()


def test_the_commands_the_docs_run_are_the_readme_commands():
    listed = set(re.findall(r"^\| `([a-z_]+)", section(read("README.md"), "Commands"), re.MULTILINE))
    named = {c for path in (".env.example", "docs/deploy.md", "docker-compose.yml", "README.md")
             for c in COMMAND.findall(read(path))}
    assert named - listed - DJANGOS_OWN == set()
