"""HTML to archival PDF with WeasyPrint: PDF/A-3a (tagged), bundled fonts, the snapshot attached as JSON.

The URL fetcher serves only our own static files and refuses every other URL, so rendering never touches
the network or the local file system; text authored in the admin reaches the PDF only through Django's
autoescaping templates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .source import Source

log = logging.getLogger(__name__)

STATIC_BASE = "https://report.invalid/static/"  # never resolved: the fetcher maps it to our static files

PDF_VARIANT = "pdf/a-3a"  # PDF/A-3 allows the JSON attachment; level A adds the structure tags

CONTENT_TYPES = {".css": "text/css", ".ttf": "font/ttf", ".woff2": "font/woff2", ".png": "image/png",
                 ".svg": "image/svg+xml"}


class StaticOnlyFetcher(URLFetcher):
    """Serves files found by the staticfiles finders under STATIC_BASE; refuses every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=["https"])
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if not url.startswith(STATIC_BASE):
            self.refused.append(url)
            log.warning("report rendering refused to fetch %s", url)
            raise ValueError(f"refused: only the application's static files may be used ({url})")
        relative = url.removeprefix(STATIC_BASE).split("?")[0].split("#")[0]
        if ".." in relative.split("/"):
            self.refused.append(url)
            raise ValueError(f"refused: {url}")
        path = finders.find(relative)
        if not path:
            raise ValueError(f"no such static file: {relative}")
        with open(path, "rb") as handle:
            body = handle.read()
        suffix = "." + relative.rsplit(".", 1)[-1] if "." in relative else ""
        return URLFetcherResponse(url, body, {"Content-Type": CONTENT_TYPES.get(suffix, "application/octet-stream")})


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    pages: int
    html: str
    refused_urls: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


_STYLE: tuple[Any, Any, Any] | None = None


def _stylesheet() -> tuple[Any, Any, Any]:
    """The report stylesheet, its fonts and our user-agent stylesheet, parsed once per process (they only
    change with a deploy)."""
    global _STYLE
    if _STYLE is None:
        font_config = FontConfiguration()
        css = CSS(url=STATIC_BASE + "css/report.css", url_fetcher=StaticOnlyFetcher(), font_config=font_config)
        ua = CSS(url=STATIC_BASE + "css/report-ua.css", url_fetcher=StaticOnlyFetcher())
        _STYLE = (css, font_config, ua)
    return _STYLE


def warm() -> None:
    """Parse the stylesheet and load the fonts now: a process that forks a child per render (rendering.isolation)
    does it once, and every child inherits them."""
    _stylesheet()


class _PdfHTML(HTML):
    """A document whose user-agent stylesheet is ours (static/css/report-ua.css): WeasyPrint's HTML5 one cut down
    to the elements our templates use, which makes the cascade a good part cheaper."""

    def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
        return [_stylesheet()[2]]


def html_to_pdf(html: str, *, attachment: tuple[str, str, str] | None = None, when: dt.datetime,
                identifier: bytes) -> RenderedReport:
    """Archival, tagged PDF from our HTML; `attachment` is (file name, description, JSON text)."""
    fetcher = StaticOnlyFetcher()
    css, font_config, _ua = _stylesheet()
    document = _PdfHTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
        stylesheets=[css], font_config=font_config)
    attachments = []
    if attachment is not None:
        name, description, text = attachment
        attachments.append(Attachment(string=text, name=name, description=description, relationship="Source",
                                      url_fetcher=fetcher, created=when, modified=when))
    output = io.BytesIO()
    document.write_pdf(output, pdf_variant=PDF_VARIANT, attachments=attachments, pdf_identifier=identifier,
                       custom_metadata=True)
    return RenderedReport(pdf=output.getvalue(), pages=len(document.pages), html=html,
                          refused_urls=tuple(fetcher.refused))


def render_source(source: Source) -> RenderedReport:
    """The PDF of a rendering.Source."""
    return html_to_pdf(source.html, when=source.when, identifier=source.identifier, attachment=source.attachment)
