"""Issue 15, item 2 on PostgreSQL: two saves of the same record on two connections at the same moment.

Both editors read version N; the first saves and holds its transaction open; the second's save is sent
while the first's is not committed yet (the test waits until PostgreSQL shows it waiting on the row's
lock). The database decides: the conditional ``UPDATE … WHERE version = N`` of ``audit.record_update``
lets exactly one through, the other is an ``EditConflict`` and writes nothing (neither the record nor a
history row). A free race of both at once, several rounds, ends the same way: exactly one wins each round.

Committed writes on several connections need a transactional test (the database is flushed after it,
so the demo is loaded first, as the browser tests do). SQLite has one writer at a time: PostgreSQL only.
"""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from minga.audit.services import EditConflict
from minga.finance import services as finance
from minga.finance.inputs import PledgeInput
from minga.finance.tracking import TrackedPledge
from minga.portfolio import services as portfolio
from minga.portfolio.models import Project
from minga.services import services as directory
from minga.services.inputs import ServiceInput
from minga.services.models import Service
from tests.codes import YEAR

pytestmark = pytest.mark.django_db(transaction=True)

DRAFT = f"PQ-COL-{YEAR}-0002"
WAIT_SECONDS = 60  # how long to wait for the second save to reach the row's lock (a bound, never a measure)


@pytest.fixture
def demo(transactional_db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (scripts/with-postgres.sh); SQLite has one writer at a time")
    from minga.site.demo import load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    load_demo()


def _users(name):
    from minga.accounts.models import User
    second = {"project": "focal.col", "pledge": "donante.can", "service": "cucuta"}[name]
    return User.objects.get(username="secretaria"), User.objects.get(username=second)


def _project_write(title):
    def write(user):
        project = Project.objects.get(code=DRAFT)
        return lambda version: portfolio.project_update(project=project, user=user, data={"title_es": title},
                                                        expected_version=version)
    return write


def _pledge():
    # Back to a draft, which its donor's officer may correct, as in the officer's own pages.
    TrackedPledge.all_objects.filter(load_key="tracked-pledge:can-2023").update(
        status="draft", is_public=False)
    return TrackedPledge.all_objects.get(load_key="tracked-pledge:can-2023")


def _pledge_write(amount):
    def write(user):  # in a thread: reads only (the test has made the pledge a draft before)
        pledge = TrackedPledge.all_objects.get(load_key="tracked-pledge:can-2023")
        data = PledgeInput(donor=pledge.donor, conference=pledge.conference, amount=amount, currency=pledge.currency,
                           pledged_on=pledge.pledged_on, instrument=pledge.instrument,
                           is_concessional=pledge.is_concessional, purpose=pledge.purpose,
                           humanitarian_percent=pledge.humanitarian_percent, is_regional=pledge.is_regional,
                           countries=[(row.country, row.percentage) for row in pledge.countries.order_by("pk")],
                           earmarks=list(pledge.earmarks.all()), source=pledge.source)
        return lambda version: finance.pledge_update(pledge=pledge, user=user, data=data, expected_version=version)
    return write


def _service():
    return Service.objects.get(load_key="service:cucuta-espacio-apoyo")


def _service_write(name):
    def write(user):
        service = _service()
        fields = {name: getattr(service, name) for name in ServiceInput.__dataclass_fields__
                  if hasattr(service, name) and name not in ("types", "populations", "languages")}
        data = ServiceInput(**{**fields, "types": service.type_codes, "populations": service.population_codes,
                               "languages": service.language_codes, "name_es": name,
                               "last_verified_on": date(2026, 11, 1)})
        return lambda version: directory.service_update(user=user, service=service, data=data,
                                                        expected_version=version)
    return write


RECORDS = {
    "project": (lambda: Project.objects.get(code=DRAFT), lambda p: p.title_es,
                _project_write("Primero"), _project_write("Segundo"), "Primero", "Segundo"),
    "pledge": (_pledge, lambda p: p.amount, _pledge_write(Decimal(111)), _pledge_write(Decimal(222)), 111, 222),
    "service": (_service, lambda s: s.name_es, _service_write("Primero"), _service_write("Segundo"),
                "Primero", "Segundo"),
}


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.parametrize("name", RECORDS)
def test_the_second_of_two_simultaneous_saves_waits_for_the_first_and_is_refused(name, demo):
    get, value, first_write, second_write, first_value, _second_value = RECORDS[name]
    secretariat, focal = _users(name)
    record = get()
    version, history_before, before = record.version, record.history.count(), value(record)
    first_holds, release, second_started = threading.Event(), threading.Event(), threading.Event()
    outcome, pids = {}, {}

    def first():
        try:
            save = first_write(secretariat)
            with transaction.atomic():
                save(version)
                first_holds.set()  # saved, not committed: the row is locked
                release.wait(WAIT_SECONDS)
            outcome["first"] = "saved"
        except Exception as error:
            outcome["first"] = repr(error)
            first_holds.set()
        finally:
            connection.close()

    def second():
        try:
            save = second_write(focal)  # read before the first commits: it edits version N too
            first_holds.wait(WAIT_SECONDS)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids["second"] = cursor.fetchone()[0]
            second_started.set()
            save(version)
            outcome["second"] = "saved"
        except EditConflict as error:
            outcome["second"] = ("conflict", error.expected_version, error.instance.version)
        except Exception as error:
            outcome["second"] = repr(error)
        finally:
            second_started.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert second_started.wait(WAIT_SECONDS)
    # The second save has passed its read and sent its conditional UPDATE: PostgreSQL holds it on the lock.
    for _attempt in range(WAIT_SECONDS * 10):
        if "second" in outcome or _waiting_on_a_lock(pids["second"]):
            break
        threading.Event().wait(0.1)
    assert "second" not in outcome, outcome  # it could not finish while the first held the row
    release.set()
    for thread in threads:
        thread.join(WAIT_SECONDS)

    assert outcome == {"first": "saved", "second": ("conflict", version, version + 1)}
    stored = get()
    assert (value(stored), stored.version) == (first_value, version + 1)
    assert before != first_value
    assert stored.history.count() == history_before + 1
    assert stored.history.first().history_user == secretariat


def _race(version: int, writes: dict) -> dict:
    """Both saves of ``writes`` ({key: (write, user)}) released together against ``version``; their outcomes."""
    barrier, outcome = threading.Barrier(len(writes)), {}

    def run(key, write, user):
        try:
            save = write(user)
            barrier.wait(WAIT_SECONDS)
            save(version)
            outcome[key] = "saved"
        except EditConflict:
            outcome[key] = "conflict"
        except Exception as error:
            outcome[key] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(key, write, user)) for key, (write, user) in writes.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    return outcome


@pytest.mark.parametrize("name", RECORDS)
def test_of_two_saves_started_together_exactly_one_wins_each_round(name, demo):
    get, value, first_write, second_write, first_value, second_value = RECORDS[name]
    secretariat, focal = _users(name)
    for _round in range(3):
        record = get()
        version, history_before = record.version, record.history.count()
        outcome = _race(version, {"first": (first_write, secretariat), "second": (second_write, focal)})
        assert sorted(outcome.values()) == ["conflict", "saved"], outcome
        winner = "first" if outcome["first"] == "saved" else "second"
        stored = get()
        assert value(stored) == (first_value if winner == "first" else second_value)
        assert stored.version == version + 1
        assert stored.history.count() == history_before + 1
        assert stored.history.first().history_user == (secretariat if winner == "first" else focal)
    connections.close_all()
