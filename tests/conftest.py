"""Shared fixtures: one test database per run holds the reference and demo data; each test rolls back.

The demo accounts give one user per role (see ``minga.site.demo``): tests sign in as them.
"""

import pytest
from django.core.management import call_command
from pytest_django.plugin import blocking_manager_key, validate_django_db

from minga.accounts.models import User
from minga.portfolio.facet_index import INDEX
from minga.site.demo import load_demo

ROLE_USERNAMES = {
    "secretariat": "secretaria",
    "focal_col": "focal.col",
    "focal_per": "focal.per",
    "local_cucuta": "cucuta",
    "donor_can": "donante.can",
    "observer": "observador",
}

# Seconds taken by load_demo() at the start of each browser test, by test id (tests/browser/conftest.py's
# demo fixture records them on the test's reports; the summary is printed at the end of the run).
LOAD_DEMO_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    for name, value in report.user_properties:
        if name == "load_demo_seconds":
            LOAD_DEMO_SECONDS[report.nodeid] = value


def pytest_terminal_summary(terminalreporter):
    if LOAD_DEMO_SECONDS:
        times = sorted(LOAD_DEMO_SECONDS.values())
        terminalreporter.write_line(
            f"browser tests: load_demo() per test: min {times[0]:.2f} s, max {times[-1]:.2f} s, "
            f"mean {sum(times) / len(times):.2f} s over {len(times)} tests")


# pytest-django runs the tests inside a transaction before the transactional ones (a live server, threads),
# whose ends flush the database, demo and all. Under pytest-xdist's worksteal a worker that has run some of
# those may still take tests of the first kind from the other worker: the demo is loaded again before them.
DATABASE_FLUSHED = {"flushed": False}


def _uses_the_database(item) -> tuple[bool, bool]:
    """(uses the database, flushes it when it ends), as pytest-django orders the tests."""
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and any(validate_django_db(marker)[:2]))
    fixtures = getattr(item, "fixturenames", [])
    transactional = transactional or "transactional_db" in fixtures or "live_server" in fixtures
    return bool(marker) or "db" in fixtures or transactional, transactional


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    uses, flushes = _uses_the_database(item)
    if flushes:
        DATABASE_FLUSHED["flushed"] = True  # at its end; it loads what it needs itself
    elif uses and DATABASE_FLUSHED["flushed"]:
        with item.config.stash[blocking_manager_key].unblock():
            load_demo()
        DATABASE_FLUSHED["flushed"] = False


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Pages use the hashed names of the manifest storage, as in production: collect once per run (per worker
    under pytest-xdist). override_settings, not an assignment: its signal makes the static storage, which may
    already exist, take the new root, so that two workers never collect into the same folder."""
    from django.test.utils import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static")):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture(autouse=True)
def fresh_facet_index():
    """The catalogue's facet index lives as long as the process and follows the data forwards. A test's
    rollback takes the data back in time, which committed data never does: each test starts afresh."""
    INDEX.forget()
    yield
    INDEX.forget()


@pytest.fixture
def users(db) -> dict[str, User]:
    """The demo accounts by role key; ``users["anonymous"]`` is None."""
    found = {key: User.objects.get(username=name) for key, name in ROLE_USERNAMES.items()}
    found["anonymous"] = None
    return found


def verify_session(client, user) -> None:
    """Mark the client's session as having given its second factor (django-otp's session key), as the
    code page does: the demo secretariat has an authenticator app and must give a code."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from minga.accounts import twofactor

    device = twofactor.confirmed_totp(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.pop(twofactor.PENDING_SESSION_KEY, None)
        session.save()


@pytest.fixture
def client_as(client):
    """``client_as(user)`` gives the test client signed in as ``user`` (or anonymous for None), past
    two-factor authentication if the user has an app (``client_as(user, verified=False)``: not yet)."""

    def sign_in(user, *, verified: bool = True):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            if verified:
                verify_session(client, user)
        return client

    return sign_in


@pytest.fixture
def english():
    """Messages in English, for tests that assert their exact text (the default language is Spanish)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def demo_as_real(db):
    """The demo's projects and organisations as if they were real (not illustrative samples), for tests of
    what an export writes for real records: the mapping is the same. What being illustrative changes (left
    out of IATI, or marked when asked for) is pinned in tests/exchange/test_iati_illustrative.py."""
    from minga.portfolio.models import Project
    from minga.reference.models import Organisation

    Project.all_objects.filter(is_illustrative=True).update(is_illustrative=False)
    Organisation.all_objects.filter(is_illustrative=True).update(is_illustrative=False)
