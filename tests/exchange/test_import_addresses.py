"""Imports given an address: FTS follows ``meta.nextLink`` page by page, served here by a local http.server
(threaded, on 127.0.0.1, no internet) from copies of ../shared/data/fts with their nextLink rewritten; only
http and https are read (a ``file:``/``ftp:`` address, nextLink or redirect is refused); every fetch has a
timeout. The IATI and codelist commands fetch through the same door (``exchange.fetch``)."""

import http.server
import io
import json
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minga.exchange import fetch, fts_read
from minga.exchange.fts import import_fts
from minga.exchange.fts_models import FtsFlow
from minga.exchange.iati import codelist_store, command, importer
from minga.exchange.iati.codelists import CodelistError
from minga.exchange.models import IatiActivity
from minga.finance.selectors.report import report_rows
from tests.exchange.test_fts import _location_funding

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
LAST_PAGE = "custom-search-locationid-171-year-2020-page-3.json"
SERVED = ["search.json", "search-page-2.json", "search-page-3.json"]
pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not (DATA / "fts").is_dir(), reason="../shared/data is not beside the repository")]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


class Server:
    """A threaded http.server on 127.0.0.1 serving ``folder``; ``requests`` lists the paths asked, in order.
    ``/redirect-to-*`` answers 302 to what follows; ``/stall`` answers nothing until the test ends."""

    def __init__(self, folder: Path):
        self.folder, self.requests, self.release = folder, [], threading.Event()
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder), **kwargs)

            def do_GET(self):
                server.requests.append(self.path)
                if self.path.startswith("/redirect-to-"):
                    self.send_response(302)
                    self.send_header("Location", self.path.removeprefix("/redirect-to-"))
                    self.end_headers()
                    return
                if self.path == "/stall":
                    server.release.wait(30)
                    return
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


@pytest.fixture
def server(tmp_path, monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)  # 127.0.0.1 is reached directly
    with Server(tmp_path) as running:
        yield running


def serve_pages(server: Server, *, last_link=None) -> str:
    """The last oPt page's 24 flows as three pages of 8 (a whole search takes minutes to import), each page's
    nextLink rewritten to the local copy of the next; the last one's to ``last_link``."""
    page = json.loads((DATA / "fts" / LAST_PAGE).read_text())
    flows = page["data"]["flows"]
    for position, name in enumerate(SERVED):
        part = {**page, "meta": {key: value for key, value in page["meta"].items() if key != "nextLink"},
                "data": {**page["data"], "flows": flows[position * 8:(position + 1) * 8]}}
        following = f"{server.base}/{SERVED[position + 1]}" if position + 1 < len(SERVED) else last_link
        if following is not None:
            part["meta"]["nextLink"] = following
        (server.folder / name).write_text(json.dumps(part))
    return f"{server.base}/{SERVED[0]}"


def pse_funding() -> str:
    return next(row for row in report_rows(None, by="country") if row["key"] == "PSE")["funding_usd"]


def test_the_next_links_are_followed_page_by_page_and_the_location_total_is_ftss(users, server):
    flows = json.loads((DATA / "fts" / LAST_PAGE).read_text())["data"]["flows"]
    expected = f"{_location_funding(flows):.2f}"
    report = import_fts([serve_pages(server)], user=users["secretariat"])
    assert server.requests == [f"/{name}" for name in SERVED]
    assert (report.pages, report.read, report.created, report.problems) == (3, 24, 24, [])
    assert sorted(FtsFlow.objects.values_list("flow_id", flat=True)) == sorted(int(flow["id"]) for flow in flows)
    assert pse_funding() == expected

    again = import_fts([f"{server.base}/{SERVED[0]}"], user=users["secretariat"])
    assert (again.pages, again.created, again.updated, again.unchanged) == (3, 0, 0, 24)
    assert pse_funding() == expected


def test_a_next_link_back_to_a_page_already_read_ends_the_search(users, server):
    first = serve_pages(server, last_link=f"{server.base}/{SERVED[0]}")
    report = import_fts([first], user=users["secretariat"])
    assert server.requests == [f"/{name}" for name in SERVED]
    assert (report.pages, report.read, report.problems) == (3, 24, [])


@pytest.mark.parametrize("link", ["file:///etc/passwd", "ftp://127.0.0.1/page.json", "data:,{}"])
def test_a_next_link_that_is_not_http_is_reported_and_not_followed(users, server, link):
    report = import_fts([serve_pages(server, last_link=link)], user=users["secretariat"])
    assert server.requests == [f"/{name}" for name in SERVED]
    assert report.problems == [f"{server.base}/{SERVED[2]}: its nextLink {link} is not an http or https address; "
                               "not followed."]
    assert report.pages == 3


@pytest.mark.parametrize("name", ["file:///etc/passwd", "ftp://127.0.0.1/search.json", "FILE:///etc/hosts"])
def test_an_fts_address_that_is_not_http_is_refused_and_nothing_is_read(users, name):
    report = import_fts([name], user=users["secretariat"])
    assert report.problems == [f"{name}: only http and https addresses are read."]
    assert (report.pages, FtsFlow.objects.count()) == (0, 0)


def test_a_redirect_to_another_scheme_is_refused(users, server):
    report = import_fts([f"{server.base}/redirect-to-ftp://127.0.0.1/page.json"], user=users["secretariat"])
    assert report.problems == [f"{server.base}/redirect-to-ftp://127.0.0.1/page.json: could not be fetched (HTTP "
                               "Error 302: redirect to ftp://127.0.0.1/page.json refused: not http or https)."]
    assert server.requests == ["/redirect-to-ftp://127.0.0.1/page.json"]
    assert FtsFlow.objects.count() == 0


def test_an_fts_address_that_does_not_answer_ends_at_the_timeout(users, server, monkeypatch):
    monkeypatch.setattr(fts_read, "FETCH_SECONDS", 0.5)
    report = import_fts([f"{server.base}/stall"], user=users["secretariat"])
    assert report.problems == [f"{server.base}/stall: could not be fetched (timed out)."]
    assert FtsFlow.objects.count() == 0


def test_every_fetch_has_a_timeout_and_only_the_web_is_opened():
    assert (fts_read.FETCH_SECONDS, command.FETCH_SECONDS) == (60, 60)
    with pytest.raises(ValueError, match="only http and https addresses are fetched"):
        fetch.open_address("file:///etc/passwd", timeout=1)
    assert [fetch.is_other_scheme(name) for name in ("file:///x", "ftp://h/x", "HTTPS://h/x", "C:\\x.json",
                                                     "data/x.json", "x.json")] == [True, True, False, False,
                                                                                    False, False]


def test_an_iati_address_is_fetched_and_imported(server):
    shutil.copy(DATA / "iati" / "activities" / "usaid-uy.xml", server.folder / "usaid-uy.xml")
    out = io.StringIO()
    call_command("import", "iati", f"{server.base}/usaid-uy.xml", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["counts"]["created"] == 1
    assert server.requests == ["/usaid-uy.xml"]
    assert IatiActivity.objects.count() == 1


@pytest.mark.parametrize("name", ["file:///etc/passwd", "ftp://127.0.0.1/a.xml"])
def test_an_iati_address_that_is_not_http_is_refused(name):
    with pytest.raises(CommandError, match=f"^{name}: only http and https addresses are read$"):
        call_command("import", "iati", name, stdout=io.StringIO())
    assert IatiActivity.objects.count() == 0


def test_an_iati_address_that_does_not_answer_ends_at_the_timeout(server, monkeypatch):
    monkeypatch.setattr(command, "FETCH_SECONDS", 0.5)
    with pytest.raises(CommandError, match=rf"^{server.base}/stall: could not be fetched \(timed out\)$"):
        call_command("import", "iati", f"{server.base}/stall", stdout=io.StringIO())
    assert IatiActivity.objects.count() == 0


def test_a_codelist_address_that_redirects_elsewhere_is_refused(server):
    with pytest.raises(CodelistError, match=r"redirect to ftp://127\.0\.0\.1/lists/\w+\.xml refused: not http or "
                                            "https"):
        list(codelist_store._files(f"{server.base}/redirect-to-ftp://127.0.0.1/lists"))
    assert len(server.requests) == 1 and server.requests[0].startswith("/redirect-to-ftp://127.0.0.1/lists/")



def test_each_iati_address_is_fetched_when_its_turn_comes_not_with_the_files_before_it(server, monkeypatch):
    """An address is a group of its own: fetched just before it is read, not downloaded with 63 others (and kept on
    disk) before the first activity is stored."""
    for name in ("usaid-uy.xml", "usaid-cl.xml"):
        shutil.copy(DATA / "iati" / "activities" / name, server.folder / name)
    first, third = (str(DATA / "iati" / "activities" / name)
                    for name in ("acfspain-pe.xml", "iati-standard-example-annotated.xml"))
    second, fourth = f"{server.base}/usaid-uy.xml", f"{server.base}/usaid-cl.xml"
    calls, import_files = [], importer.import_files

    def recording(files, **options):
        calls.append((list(server.requests), [file.name for file in files]))
        return import_files(files, **options)

    monkeypatch.setattr(importer, "import_files", recording)
    out = io.StringIO()
    call_command("import", "iati", first, second, third, fourth, "--format", "json", stdout=out)
    assert calls == [([], [first]), (["/usaid-uy.xml"], [second]), (["/usaid-uy.xml"], [third]),
                     (["/usaid-uy.xml", "/usaid-cl.xml"], [fourth])]
    assert json.loads(out.getvalue())["counts"]["created"] == 1 + 1 + 1 + 16
    assert IatiActivity.objects.count() == 19


def test_paths_are_imported_in_runs_of_64_and_each_address_alone_in_the_order_given():
    paths = [f"activities-{number}.xml" for number in range(70)]
    address, other = "https://example.org/a.xml", "HTTP://example.org/b.xml"
    given = [*paths[:65], address, *paths[65:68], address, other, *paths[68:]]
    assert list(command.groups(given)) == [paths[:64], [paths[64]], [address], paths[65:68], [address], [other],
                                           paths[68:]]
    assert list(command.groups(paths[:64])) == [paths[:64]]
    assert list(command.groups([])) == []


def test_a_download_tells_how_much_has_come_of_how_much(server):
    shutil.copy(DATA / "iati" / "activities" / "usaid-489.xml", server.folder / "usaid-489.xml")
    told = []
    with command.opened(f"{server.base}/usaid-489.xml", lambda *sizes: told.append(sizes)) as file:
        assert len(file.read()) == 1_481_496
    assert told == [(1_048_576, 1_481_496), (1_481_496, 1_481_496)]  # read a megabyte at a time

    shown = io.StringIO()
    line = command.FetchLine(shown, "https://example.org/files/usaid-489.xml", enabled=True)
    line(1_048_576, 1_481_496)
    line(2_621_440, None)  # no Content-Length
    line.end()  # as when the download fails: the next line starts below it
    assert shown.getvalue() == ("\rxample.org/files/usaid-489.xml fetching 1.0 / 1.4 MB"
                                "\rxample.org/files/usaid-489.xml fetching 2.5 MB\n")
    quiet = io.StringIO()
    unshown = command.FetchLine(quiet, "x", enabled=False)
    unshown(1, 2)
    unshown.end()
    command.FetchLine(quiet, "x", enabled=True).end()  # failed before a byte came: no line to end
    assert quiet.getvalue() == ""


def test_an_address_announcing_more_than_the_limit_is_refused_before_its_body_is_read(server, monkeypatch):
    shutil.copy(DATA / "iati" / "activities" / "usaid-489.xml", server.folder / "usaid-489.xml")
    monkeypatch.setattr(command, "MAX_DOWNLOAD", 1_100_000)  # past the first megabyte read
    told = []
    with (pytest.raises(CommandError, match=rf"^{server.base}/usaid-489.xml: larger than 1100000 bytes$"),
          command.opened(f"{server.base}/usaid-489.xml", lambda *sizes: told.append(sizes))):
        pass
    assert told == []  # not a byte of it copied
    monkeypatch.setattr(command, "MAX_DOWNLOAD", 1_481_496)  # exactly its size is taken
    with command.opened(f"{server.base}/usaid-489.xml") as file:
        assert len(file.read()) == 1_481_496
