"""What a PDF is rendered from, and what makes a kind of document: light on purpose (no models, no WeasyPrint), so
that the features that make documents import it and never the render queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import RenderedDocument


@dataclass(frozen=True)
class Source:
    """What a PDF is rendered from: the HTML, the time it carries, its identifier, and an optional attachment
    (file name, description, text)."""

    html: str
    when: dt.datetime
    identifier: bytes
    attachment: tuple[str, str, str] | None = None


@dataclass(frozen=True)
class Document:
    """A kind of rendered document (a RenderedDocument row's `kind`): defined beside the feature that makes it and
    named by dotted path in rendering.queue.DOCUMENTS."""

    kind: str
    title: str  # "report", "Model Documentation Form (AI Office)": shown on the progress page
    build: Callable[[RenderedDocument], Source]  # from report.snapshot (the frozen content) only
    filename: Callable[[RenderedDocument], str]
