"""Citations of the law in each language's style, from one structured reading of a pinpoint.

A pinpoint as the content writes it ("Art. 53(1)(a), Annex XI", "recitals 114–115", "Art. 54(1)–(3)(a)",
"§3.1") is read into parts (`parse`): an article with its paragraph and point, a range of them, a recital or
recitals, an annex, a section of a document. `cite` writes the parts as the language cites the law:
  en  Art. 53(1)(a)             recitals 114–115      Annex XI     §3.1
  de  Art. 53 Abs. 1 Buchst. a  Erwägungsgründe 114–115  Anhang XI  Abschnitt 3.1
  fr  article 53, paragraphe 1, point a)  considérants 114 à 115  annexe XI  section 3.1
A part that does not read as one of these is kept as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ARTICLE = re.compile(r"^(?:Art(?:icle|\.)?\s*)?(\d+[a-z]?)((?:\(\w+\))*)$")
_RANGE = re.compile(r"^(?:Art(?:icle|\.)?\s*)?(\d+[a-z]?)((?:\(\w+\))*)\s*[–-]\s*((?:\(\w+\))+)$")
_RECITALS = re.compile(r"^recitals?\s+(\d+)(?:\s*[–-]\s*(\d+))?$", re.IGNORECASE)
_ANNEX = re.compile(r"^Annex\s+([IVXLC]+)$", re.IGNORECASE)
_SECTION = re.compile(r"^§\s*([\d.]+)$")


@dataclass(frozen=True)
class Part:
    kind: str  # article | range | recital | annex | section | text
    number: str = ""  # article, recital, annex or section number
    subdivisions: tuple[str, ...] = ()  # paragraph, point, (sub-point) of an article
    to: tuple[str, ...] = ()  # a range: the subdivisions it ends at ("Art. 54(1)–(3)(a)")
    last: str = ""  # a range of recitals: the last one
    text: str = ""  # kept as written


def _subdivisions(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\((\w+)\)", text))


def parse(pinpoint: str) -> list[Part]:
    parts: list[Part] = []
    article = ""
    for raw in (p.strip() for p in pinpoint.split(",")):
        if not raw:
            continue
        if m := _RANGE.match(raw):
            article = m.group(1)
            parts.append(Part("range", article, _subdivisions(m.group(2)), to=_subdivisions(m.group(3))))
        elif (m := _ARTICLE.match(raw)) and (raw.lower().startswith("art") or article):
            article = m.group(1)
            parts.append(Part("article", article, _subdivisions(m.group(2))))
        elif m := _RECITALS.match(raw):
            parts.append(Part("recital", m.group(1), last=m.group(2) or ""))
        elif m := _ANNEX.match(raw):
            parts.append(Part("annex", m.group(1)))
        elif m := _SECTION.match(raw):
            parts.append(Part("section", m.group(1)))
        else:
            parts.append(Part("text", text=raw))
    return parts


# the names of an article's subdivisions, by depth: paragraph, point, sub-point
_DE = ("Abs.", "Buchst.", "Ziff.")
_FR = ("paragraphe", "point", "sous-point")


# Art. 3 (definitions) is divided into numbered points, not paragraphs: Art. 3 Nr. 49, article 3, point 49)
_DEFINITIONS = "3"


def _article(part: Part, language: str, *, subdivisions: tuple[str, ...] | None = None, bare: bool = False) -> str:
    subs = part.subdivisions if subdivisions is None else subdivisions
    points = part.number == _DEFINITIONS
    if language == "de":
        words = [f"{'Nr.' if points and i == 0 else _DE[min(i, 2)]} {s}" for i, s in enumerate(subs)]
        return " ".join(([] if bare else [f"Art. {part.number}"]) + words)
    if language == "fr":
        words = [f"{'point' if points and i == 0 else _FR[min(i, 2)]} {s}{')' if i >= 1 or points else ''}"
                 for i, s in enumerate(subs)]
        return ", ".join(([] if bare else [f"article {part.number}"]) + words)
    return ("" if bare else f"Art. {part.number}") + "".join(f"({s})" for s in subs)


def _one(part: Part, language: str) -> str:
    if part.kind == "article":
        return _article(part, language)
    if part.kind == "range" and len(part.subdivisions) == len(part.to) == 1 and language in ("de", "fr"):
        # paragraphs 1 to 3 of one article
        if language == "de":
            return f"Art. {part.number} Abs. {part.subdivisions[0]} bis {part.to[0]}"
        return f"article {part.number}, paragraphes {part.subdivisions[0]} à {part.to[0]}"
    if part.kind == "range":
        start = _article(part, language)
        # the range ends at the same depth it starts from: (1)–(3)(a) is paragraph 1 to paragraph 3, point a
        end = _article(part, language, subdivisions=part.to, bare=True)
        word = {"de": " bis ", "fr": " à "}.get(language, "–")
        return f"{start}{word}{end}"
    if part.kind == "recital":
        names = {"de": ("Erwägungsgrund", "Erwägungsgründe", "–"), "fr": ("considérant", "considérants", " à ")}
        one, many, to = names.get(language, ("recital", "recitals", "–"))
        return f"{many} {part.number}{to}{part.last}" if part.last else f"{one} {part.number}"
    if part.kind == "annex":
        return f"{ {'de': 'Anhang', 'fr': 'annexe'}.get(language, 'Annex') } {part.number}"
    if part.kind == "section":
        return {"de": f"Abschnitt {part.number}", "fr": f"section {part.number}"}.get(language, f"§{part.number}")
    return part.text


def cite(pinpoint: str, language: str = "en") -> str:
    """A pinpoint in the language's citation style (see the module's first lines); English as written."""
    if language not in ("de", "fr") or not pinpoint:
        return pinpoint
    separator = "; " if language == "fr" else ", "
    return separator.join(_one(part, language) for part in parse(pinpoint))
