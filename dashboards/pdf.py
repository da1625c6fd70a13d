"""The report as a PDF file, made on the server from the very page that prints, so the file and the printout never
disagree. The paper report went to the ministry as a signed file: a file it stays.

WeasyPrint fetches what the page links to. It gets only the app's own static files and inline data: no network
request leaves the server (the intranet has none to give) and no other local file can be read.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

BASE_URL = "https://report.invalid/"
# WeasyPrint's SVG renderer misplaces the inline charts' text (it inherits the page's CSS), so the file carries each
# chart's data table instead: the same numbers, labelled, which the printed page also shows under each chart.
PDF_ONLY_CSS = """
.chart__svg, .chart__scroll, .chart-legend { display: none !important; }
.chart__data { margin-top: 0; }
@page { @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans", sans-serif; } }
"""


def _static_file(path: str) -> Path | None:
    name = posixpath.normpath(unquote(path)).lstrip("/")
    if name.startswith(".."):
        return None
    found = finders.find(name)  # the source files, under the names that development and tests link to
    if found:
        return Path(found)
    collected = Path(settings.STATIC_ROOT) / name  # production links to collectstatic's hashed names
    return collected if collected.is_file() else None


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        static_prefix = urlsplit(BASE_URL).path + settings.STATIC_URL.lstrip("/")
        if f"{parts.scheme}://{parts.netloc}/" == BASE_URL and parts.path.startswith(static_prefix):
            found = _static_file(parts.path[len(static_prefix):])
            if found is not None:
                return super().fetch(found.as_uri(), headers)
        raise ValueError(f"not a static file of this application: {url}")


def html_to_pdf(html: str) -> bytes:
    fetcher = StaticOnlyFetcher()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher, media_type="print").write_pdf(
        stylesheets=[CSS(string=PDF_ONLY_CSS, url_fetcher=fetcher)])
