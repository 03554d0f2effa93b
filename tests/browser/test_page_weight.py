"""Issue 9, page weight: every public page weighs under 150 KB before its chart or map, and paints its first
content within 2 s on a slow phone (1.6 Mbit/s down, 150 ms latency, a CPU 4× slower).

Measured through Chromium's DevTools protocol (a CDP session): ``Network.emulateNetworkConditions`` and
``Emulation.setCPUThrottlingRate`` slow the browser down; ``Network.loadingFinished`` gives each response's
bytes as they crossed the wire (``encodedDataLength``: headers plus the body as sent, gzip where WhiteNoise
sends the compressed copy collectstatic wrote); first-contentful-paint comes from the page's Performance API.
The static files are served as production serves them (WhiteNoise, from the collected files, compressed
copies included; see ``_static_from_collected_files`` in conftest.py), and the browser's cache is off, as
for a first visit.

The page's chart and map files (the Vega libraries, charts.js and the boundary files) are counted apart:
the budget is for everything else (the page, its stylesheet and scripts), which is what the reader needs
before any chart is drawn; the charts' files are deferred, so they never hold up the first paint. Each page
is opened once at full speed first, as a warm server would have it (the server's first request compiles its
templates and reads its catalogues), then measured on the slow link with the browser's cache off. A first
paint over the budget is measured again, up to ATTEMPTS times in all, and the fastest counts: the budget is
the page's own cost, not that of whatever else the machine runs at that moment (the bytes never vary).

``MINGA_PAGE_WEIGHT_REPORT=path`` writes the measured table to ``path`` (docs/benchmarks.md quotes it).
"""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_phone_layout import PHONE, public_paths

pytestmark = [pytest.mark.browser, pytest.mark.markup_audit]

BUDGET_BYTES = 150 * 1024
BUDGET_FIRST_PAINT_MS = 2_000
SLOW_LINK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
             "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
ATTEMPTS = 3
# What draws a chart or a map: fetched only by the pages that have one, and after their content.
CHART_FILES = re.compile(r"/static/(vendor/vega[^/]*/|minga/js/charts\.[0-9a-f]+\.js|minga/geo/)")

FIRST_PAINT = """
() => new Promise(resolve => {
  const found = () => performance.getEntriesByName("first-contentful-paint")[0];
  if (found()) { resolve(found().startTime); return; }
  new PerformanceObserver(list => {
    const entry = list.getEntriesByName("first-contentful-paint")[0];
    if (entry) { resolve(entry.startTime); }
  }).observe({type: "paint", buffered: true});
})
"""


class Transfers:
    """Each response of the page in the order asked for: URL, bytes on the wire, content-encoding."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.encodings: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.order: list[str] = []
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.responseReceived", self.received)
        cdp.on("Network.loadingFinished", self.finished)

    def sent(self, event):
        if event["request"]["url"].startswith("http"):
            self.urls[event["requestId"]] = event["request"]["url"]
            self.order.append(event["requestId"])

    def received(self, event):
        headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
        self.encodings[event["requestId"]] = headers.get("content-encoding", "")

    def finished(self, event):
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def rows(self):
        return [(self.urls[key], self.sizes.get(key, 0), self.encodings.get(key, "")) for key in self.order]


def warm_up(context, paths: list[str]) -> None:
    page = context.new_page()
    for path in paths:
        assert page.goto(path).status == 200, path
    page.close()


COMPRESSED = ("gzip", "br")


def measure(context, path: str) -> dict:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_LINK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    transfers = Transfers(cdp)
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    first_paint = page.evaluate(FIRST_PAINT)
    for chart in page.locator("[data-vega-spec]").all():
        expect(chart).to_have_attribute("data-rendered", "true", timeout=60_000)
    try:
        page.wait_for_load_state("networkidle", timeout=60_000)
    except Exception as error:  # name the page that kept the network busy
        raise AssertionError(f"{path}: the network never went idle ({error})") from None
    rows = transfers.rows()
    page.close()
    return {
        "path": path,
        "before_charts": sum(size for url, size, _ in rows if not CHART_FILES.search(url)),
        "charts": sum(size for url, size, _ in rows if CHART_FILES.search(url)),
        "first_paint": first_paint,
        "uncompressed_static": [url for url, size, encoding in rows
                                if "/static/" in url and size > 1024 and encoding not in COMPRESSED],
        "rows": rows,
        # The boundary files the page loaded, by name without the hash.
        "boundaries": sorted(re.sub(r"\.[0-9a-f]{12}\.json$", ".json", url.split("/static/minga/geo/")[1])
                             for url, _size, _encoding in rows if "/static/minga/geo/" in url),
    }


def measure_best(context, path: str) -> dict:
    result = measure(context, path)
    for _attempt in range(ATTEMPTS - 1):
        if result["first_paint"] <= BUDGET_FIRST_PAINT_MS:
            break
        again = measure(context, path)
        result["first_paint"] = min(result["first_paint"], again["first_paint"])
    return result


def report(results: list[dict]) -> str:
    lines = ["| page | before its charts (KB) | charts and maps (KB) | total (KB) | first contentful paint (ms) |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for result in results:
        lines.append(f"| `{result['path']}` | {result['before_charts'] / 1024:.1f} | {result['charts'] / 1024:.1f} | "
                     f"{(result['before_charts'] + result['charts']) / 1024:.1f} | {result['first_paint']:.0f} |")
    return "\n".join(lines) + "\n"


def test_every_public_page_is_light_and_paints_quickly_on_a_slow_phone(new_context):
    context = new_context()
    paths = public_paths()
    warm_up(context, paths)
    results = [measure_best(context, path) for path in paths]
    table = report(results)
    print(table)
    if os.environ.get("MINGA_PAGE_WEIGHT_REPORT"):
        with open(os.environ["MINGA_PAGE_WEIGHT_REPORT"], "w", encoding="utf-8") as output:
            output.write(table)
    # A map loads the boundaries of what it shows, never the whole region's subdivisions (admin1.topo.json).
    project_path = next(path for path in paths if path.startswith("/projects/PQ-"))
    assert {result["path"]: result["boundaries"] for result in results if result["boundaries"]} == {
        "/": ["countries-americas.topo.json"], "/countries/COL/": ["admin1/COL.topo.json"],
        project_path: ["admin1/COL.topo.json"],
        # The dashboard's two maps (gap, disbursed per person) each load the region's countries.
        "/funding/": ["countries-americas.topo.json", "countries-americas.topo.json"],
        "/funding/?country=COL&country_sort=label": ["countries-americas.topo.json", "countries-americas.topo.json"],
        "/capacity/coverage/": ["admin1/COL.topo.json", "admin1/ECU.topo.json"],
        "/results/?country=COL": ["admin1/COL.topo.json"]}
    # The static files travel compressed (collectstatic's gzip copies, or its Brotli ones where the brotli
    # package is installed, as WeasyPrint's fonttools brings it: served by WhiteNoise).
    assert [url for result in results for url in result["uncompressed_static"]] == []
    heavy = [(result["path"], result["before_charts"]) for result in results if result["before_charts"] > BUDGET_BYTES]
    assert heavy == [], table
    slow = [(result["path"], result["first_paint"]) for result in results
            if result["first_paint"] > BUDGET_FIRST_PAINT_MS]
    assert slow == [], table
