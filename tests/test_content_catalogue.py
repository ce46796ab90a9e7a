"""The report's own words (now in the one catalogue, locale/): the .mo that `make install` compiles (the .mo
files are built, not committed) is the current .po, for both languages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_installed_catalogue_is_the_compiled_po(tmp_path, language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(po)], check=True)  # noqa: S603, S607
    assert out.read_bytes() == (po.parent / "django.mo").read_bytes(), "run make install (make compilemessages)"


def test_french_punctuation_keeps_its_no_break_space():
    """French sets a space before : ; ! ? and inside « »; a plain space lets the line break before the colon
    ("Télécharger pour le Bureau de l'IA" / ": PDF", seen on the documentation form's page)."""
    import re

    po = (LOCALE / "fr" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    translated, inside = [], False
    for line in po.splitlines():
        inside = line.startswith("msgstr") or (inside and line.startswith('"'))
        if inside:
            translated.append(line)
    plain = [line for line in translated if re.search(r' [:;!?»]|« ', line.partition('"')[2])]
    assert not plain, plain[:5]
