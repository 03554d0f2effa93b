"""Fixtures for the browser tests: Debian Chromium driven by Playwright against pytest-django's live server.

Every browser test gets a fresh browser context (Spanish by default, like a visitor from Spain) and
fails if any page asks for a host other than the live server (Minga makes no outside requests) or
breaks the Content-Security-Policy (every page is served under it).
"""

import os
import re
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection
from playwright.sync_api import expect

from minga.accounts.models import User

# Playwright's sync API runs an asyncio event loop in the test's own thread, so Django sees a running
# loop there and refuses every ORM call from the test (SynchronousOnlyOperation): load_demo() and the
# checks of what was saved. Those calls are plain synchronous code run between browser steps, never
# inside a coroutine, so the hazard Django guards against (blocking a loop) does not arise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# Chromium resolves Google hosts on its own; only localhost may be looked up.
CHROMIUM_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Waits for pages and assertions; generous because CI machines may be busy (charts take a while to draw).
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    # The audits of what pages are (accessibility, weight, layout) read markup and pixels that come out the
    # same whichever database served the rows: the PostgreSQL half of `make test` skips them rather than
    # spend its time on them twice. Every page is still opened on both (test_every_page_under_the_policy).
    on_postgres = connection.vendor == "postgresql"
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here) and item.get_closest_marker("browser") is None:
            raise pytest.UsageError(f"{item.nodeid}: every browser test must be marked pytest.mark.browser")
        if on_postgres and item.get_closest_marker("markup_audit") is not None:
            item.add_marker(pytest.mark.skip(reason="a markup audit: the SQLite half runs it, the database does not "
                                                    "change what it checks"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test (not only its teardown) if a page asked for a host other than the live server."""
    result = yield
    outside = getattr(item, "minga_outside_requests", None)
    if outside is not None and outside.urls:
        pytest.fail(f"the pages requested hosts other than the live server: {outside.urls}")
    violations = getattr(item, "minga_csp_violations", None)
    if violations is not None and violations.messages:
        pytest.fail(f"the pages broke the Content-Security-Policy: {violations.messages}")
    return result


@pytest.fixture
def _static_from_collected_files(monkeypatch):
    """Serve /static/ as production does: WhiteNoise, from the collected files with hashed names.

    The live server otherwise answers /static/ itself through the staticfiles finders, which know
    only the unhashed source names, so every hashed URL in the pages would be a 404.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    monkeypatch.setattr(StaticFilesHandler, "_should_handle", lambda self, path: False)


@pytest.fixture(scope="session")
def _catalogues_compiled():
    """Pages are checked word for word in Spanish, Portuguese and English: compile the catalogues as
    `make test` does, and make Django read them again if any was rebuilt."""
    from django.core.management import call_command
    from django.utils.translation.reloader import translation_file_changed

    output = StringIO()
    call_command("build_catalogues", verbosity=1, stdout=output)
    if not output.getvalue().strip().endswith(": 0"):
        translation_file_changed(sender=None, file_path=Path("django.mo"))


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian Chromium at /usr/bin/chromium (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def demo(request, transactional_db, settings):
    """The demo data, loaded again for each test: live-server tests flush the database after each test.

    Half of a full load is hashing the six demo passwords with PBKDF2 (0.7 s each); a fast hasher
    (first in the list, so used for new hashes) saves that. Signing in still goes through the form.
    """
    from minga.site.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]

    started = time.perf_counter()
    load_demo()
    # Carried by the test's reports, so that tests/conftest.py sums it up even from pytest-xdist workers.
    request.node.user_properties.append(("load_demo_seconds", time.perf_counter() - started))


@pytest.fixture
def server(_catalogues_compiled, _static_from_collected_files, demo, live_server):
    return live_server


class OutsideRequests:
    """Every URL a context asked for whose host is not the live server's."""

    def __init__(self):
        self.urls: list[str] = []

    def record(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname not in LOCAL_HOSTS:
            self.urls.append(request.url)


# Runs in every page before its own scripts (Playwright's init scripts are not subject to the page's CSP):
# each violation, whatever its kind, becomes a console error that names it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
                " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class CspViolations:
    """Every console message of a context that reports a Content-Security-Policy violation."""

    def __init__(self):
        self.messages: list[str] = []

    def record(self, message):
        if message.type == "error" and ("CSP violation" in message.text or "Content Security Policy" in message.text):
            self.messages.append(message.text)


@pytest.fixture
def new_context(request, chromium, server):
    """``new_context(locale="es-ES", **options)`` opens a fresh browser context (own cookies); all are closed after
    the test."""
    outside = OutsideRequests()
    request.node.minga_outside_requests = outside
    violations = CspViolations()
    request.node.minga_csp_violations = violations
    contexts = []

    def open_context(locale: str = "es-ES", **options):
        # options: Playwright's own (java_script_enabled=False for the pages as a browser without scripts sees them)
        context = chromium.new_context(locale=locale, base_url=server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("request", outside.record)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", violations.record)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def current_code(username: str) -> str:
    """The code the authenticator app of ``username`` shows now (computed from the device's key with
    django_otp.oath), one the device has not accepted yet: waits for the next step if need be."""
    from minga.accounts.twofactor import confirmed_totp, totp_now

    while True:
        code = totp_now(confirmed_totp(User.objects.get(username=username)))
        if code:
            return code
        time.sleep(1)


def fill_code_form(page, code: str):
    page.get_by_label("Código").fill(code)
    page.get_by_role("main").get_by_role("button", name="Verificar").click()


def fill_login_form(page, username: str, password: str):
    """Fill in and send the Spanish login form on the page, as a person would; for an account with an
    authenticator app (the demo secretariat), then type the app's current code."""
    from minga.accounts.twofactor import has_device
    from minga.site.demo import DEMO_PASSWORD

    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("main").get_by_role("button", name="Iniciar sesión").click()
    user = User.objects.filter(username=username).first()
    if password == DEMO_PASSWORD and user is not None and has_device(user):
        expect(page.get_by_role("heading", level=1)).to_have_text("Autenticación en dos pasos")
        fill_code_form(page, current_code(username))


@pytest.fixture
def login_form():
    """``login_form(page, username, password)`` fills in and sends the login form on the page."""
    return fill_login_form


@pytest.fixture
def open_page(new_context):
    """``open_page(username=None, path="/")``: a page in a fresh context, signed in through the login form.

    Returns once the page at ``path`` has loaded (and, when signed in, names the user in the menu).
    """
    from minga.site.demo import DEMO_PASSWORD

    def open_as(username: str | None = None, path: str = "/", *, locale: str = "es-ES"):
        page = new_context(locale=locale).new_page()
        if username is None:
            page.goto(path)
            return page
        page.goto(f"/accounts/login/?{urlencode({'next': path})}")
        fill_login_form(page, username, DEMO_PASSWORD)
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect(page.get_by_test_id("user-name")).to_be_visible()
        return page

    return open_as
