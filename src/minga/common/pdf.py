"""HTML to PDF with WeasyPrint, offline: a report may embed ``data:`` images (charts as SVG) and inline styles,
and nothing else is fetched (no network at run time, no file of the server read by a crafted address)."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher


def offline_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, url_fetcher=offline_fetcher(), base_url="about:blank").write_pdf()
