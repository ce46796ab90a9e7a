"""How much of a text stays English: the share of its words that stand in English sentences.

A sentence (or line) counts as English when it has more English function words than German or French ones
(and at least two): names, codes, hashes, numbers and citations are neither and count as not English. Used by
the tests of the German and French reports and runnable on a PDF's text: `python tests/language_share.py
report.pdf` prints the share and the English sentences."""

from __future__ import annotations

import io
import re
import sys

from pypdf import PdfReader


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ENGLISH = _words("""the and of to is are for with by you your this that not be on or from as an it its which must
has have was were will can may under their they been these those what when where who whether any each other
than then there here into about only also should would could does do did such our we us if no yes all more most
one two how why but because before after until while""")
GERMAN = _words("""der die das und ist sind für mit von zu den dem des ein eine einer eines einem einen nicht auf
oder aus als es sie ihr ihre ihren ihrer wird werden kann können muss müssen hat haben war nach bis vor wenn
ob jede jeder auch nur sich im in am zum zur bei über unter durch wie was wer noch sowie dass diese dieser
dieses""")
FRENCH = _words("""le la les et est sont pour avec par vous votre vos ce cette ces ne pas sur ou de du des un une
il elle ils qui que dont au aux son sa ses leur leurs été sera peut doit avant après dans en si tout tous
toute aussi seulement comme lorsque""")

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:['’][A-Za-zÀ-ÿ]+)?")


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:!?])\s+|\n+", text) if s.strip()]


def is_english(sentence: str) -> bool:
    words = [w.lower() for w in _WORD.findall(sentence)]
    en = sum(w in ENGLISH for w in words)
    other = sum(w in GERMAN or w in FRENCH for w in words)
    return en >= 2 and en > other


def english_share(text: str) -> tuple[float, list[str]]:
    """(share of words in English sentences, those sentences)."""
    total = english = 0
    found = []
    for sentence in sentences(text):
        count = len(_WORD.findall(sentence))
        total += count
        if is_english(sentence):
            english += count
            found.append(sentence)
    return (english / total if total else 0.0), found


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as handle:
        share, found = english_share(pdf_text(handle.read()))
    print(f"{share:.1%} of the words stand in English sentences")
    for sentence in found:
        print("  EN:", sentence[:160])
