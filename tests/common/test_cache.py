"""The shared cache of public pages and figures (minga.common.cache, minga.common.page_cache): what is kept,
for whom, and that the writes themselves drop it."""

import importlib
import inspect
import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.test import Client
from django.utils import translation

from minga.common import cache
from minga.common.page_cache import PLACEHOLDER
from minga.portfolio import services as portfolio_services
from minga.portfolio.models import Project
from minga.reference import services as reference_services
from minga.reference.loaders import load_reference
from minga.reference.models import Country, PopulationFigure
from minga.site.demo import load_demo
from tests.codes import YEAR

pytestmark = pytest.mark.django_db

RORAIMA = f"PQ-BRA-{YEAR}-0001"  # under review in the demo: seen by the secretariat, not the public

# Every function that writes what public pages show, by module: each must drop what is cached.
WRITERS = ("minga.reference.services", "minga.portfolio.services", "minga.reference.imports",
           "minga.portfolio.bulk.importer", "minga.finance.services", "minga.capacity.services",
           "minga.services.services",
           "minga.exchange.hsds.importer", "minga.results.services", "minga.results.imports")
READ_ONLY = {("minga.portfolio.services", "describe_parts")}  # words a change for the history: writes nothing


@pytest.fixture(autouse=True)
def language_kept():
    """A request activates its reader's language in the thread and leaves it there: later tests keep theirs."""
    language = translation.get_language()
    yield
    translation.activate(language)


def anonymous(**headers) -> Client:
    return Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="es", **headers)


def test_bump_gives_a_domain_a_new_generation_and_leaves_the_others():
    before = cache.generations(cache.DOMAINS)
    cache.bump(cache.PORTFOLIO)
    after = cache.generations(cache.DOMAINS)
    assert after[cache.PORTFOLIO] != before[cache.PORTFOLIO]
    assert {name: after[name] for name in (cache.REFERENCE, cache.FINANCE)} == {
        name: before[name] for name in (cache.REFERENCE, cache.FINANCE)}


def test_a_cached_value_is_rebuilt_after_a_write_to_its_domain_only():
    built = []

    def build():
        built.append(len(built) + 1)
        return len(built)

    assert cache.cached("count", ("x",), build, depends=(cache.REFERENCE,)) == 1
    assert cache.cached("count", ("x",), build, depends=(cache.REFERENCE,)) == 1
    cache.bump(cache.PORTFOLIO)  # another domain: still kept
    assert cache.cached("count", ("x",), build, depends=(cache.REFERENCE,)) == 1
    cache.bump(cache.REFERENCE)
    assert cache.cached("count", ("x",), build, depends=(cache.REFERENCE,)) == 2
    assert cache.cached("count", ("y",), build, depends=(cache.REFERENCE,)) == 3  # other arguments, other entry


def test_a_cached_value_is_kept_per_language():
    with translation.override("es"):
        assert cache.cached("language", (), translation.get_language) == "es"
    with translation.override("en"):
        assert cache.cached("language", (), translation.get_language) == "en"


def test_cached_for_public_keeps_the_anonymous_answer_and_never_a_signed_in_one(users):
    calls = []

    @cache.cached_for_public("who")
    def who(user, suffix):
        calls.append(user)
        return f"{getattr(user, 'username', 'public')}{suffix}"

    assert who(None, "!") == who(None, "!") == "public!"
    assert who(users["secretariat"], "!") == who(users["secretariat"], "!") == "secretaria!"
    assert calls == [None, users["secretariat"], users["secretariat"]]


def test_invalidates_bumps_after_a_successful_write_and_not_after_a_refused_one():
    @cache.invalidates(cache.FINANCE)
    def write(fail: bool):
        if fail:
            raise ValueError("refused")

    before = cache.generation(cache.FINANCE)
    with pytest.raises(ValueError):
        write(True)
    assert cache.generation(cache.FINANCE) == before
    write(False)
    assert cache.generation(cache.FINANCE) != before


@pytest.mark.parametrize("module_name", WRITERS)
def test_every_write_service_drops_what_is_cached(module_name):
    module = importlib.import_module(module_name)
    writers = [name for name, function in inspect.getmembers(module, inspect.isfunction)
               if function.__module__ == module_name and not name.startswith("_")
               and (module_name, name) not in READ_ONLY]
    assert writers
    assert [name for name in writers if not getattr(getattr(module, name), "invalidates", None)] == []


def test_invalidates_with_a_public_test_bumps_only_for_what_the_public_sees():
    @cache.invalidates(cache.FINANCE, public=lambda arguments, result: result == "published")
    def write(outcome: str):
        return outcome

    before = cache.generation(cache.FINANCE)
    write("draft")
    assert cache.generation(cache.FINANCE) == before
    write("published")
    assert cache.generation(cache.FINANCE) != before


def test_a_drafts_life_keeps_the_public_pages_and_its_publication_drops_them(users):
    """An officer's drafts are invisible to the public: creating, editing, submitting them and adding a document
    leave every kept public page in place (under load, ten writers would otherwise empty the cache for all)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minga.reference.models import Organisation

    before = cache.generation(cache.PORTFOLIO)
    focal, secretariat = users["focal_col"], users["secretariat"]
    draft = portfolio_services.project_create(user=focal, data={
        "title_es": "Borrador de prueba", "proposing_organisation": Organisation.objects.get(load_key="organisation:gov-col")})
    draft = portfolio_services.project_update(project=draft, user=focal, data={"title_en": "Test draft"},
                                              expected_version=draft.version)
    document = portfolio_services.project_document_add(
        project=draft, user=focal, kind="annex",
        uploaded_file=SimpleUploadedFile("nota.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"))
    portfolio_services.project_document_remove(document=document, user=focal)
    assert cache.generation(cache.PORTFOLIO) == before

    published = Project.objects.filter(is_public=True).first()
    portfolio_services.project_update(project=published, user=secretariat, data={"title_en": "Renamed"},
                                      expected_version=published.version)
    assert cache.generation(cache.PORTFOLIO) != before
    after_edit = cache.generation(cache.PORTFOLIO)
    roraima = Project.objects.get(code=RORAIMA)  # under review: hidden, then published
    portfolio_services.project_transition(project=roraima, user=secretariat, to_status="published",
                                          expected_version=roraima.version, comment="Approved")
    assert cache.generation(cache.PORTFOLIO) != after_edit


def test_loading_reference_or_demo_data_drops_everything_cached():
    assert load_reference.invalidates == load_demo.invalidates == cache.DOMAINS


# --- Public pages ---------------------------------------------------------------------------------------------


def test_a_public_page_is_kept_until_a_write_through_a_service(users):
    visitor = anonymous()
    assert RORAIMA not in visitor.get("/projects/").content.decode()
    # Changed behind the services' back (as a shell would): the kept page does not know.
    Project.objects.filter(code=RORAIMA).update(is_public=True, status="published")
    assert RORAIMA not in visitor.get("/projects/").content.decode()
    project = Project.objects.get(code=RORAIMA)
    Project.objects.filter(code=RORAIMA).update(is_public=False, status="under_review")
    project.refresh_from_db()
    portfolio_services.project_transition(project=project, user=users["secretariat"], to_status="published",
                                          expected_version=project.version, comment="Approved")
    assert RORAIMA in visitor.get("/projects/").content.decode()


def test_a_signed_in_user_never_gets_the_public_page_nor_leaves_theirs_to_the_public(client_as, users):
    assert RORAIMA not in anonymous().get("/projects/").content.decode()  # the public's page, now kept
    secretariat = client_as(users["secretariat"])
    assert RORAIMA in secretariat.get("/projects/").content.decode()
    assert RORAIMA in secretariat.get("/projects/").content.decode()
    assert RORAIMA not in anonymous().get("/projects/").content.decode()
    assert anonymous().get(f"/projects/{RORAIMA}/").status_code == 404
    assert secretariat.get(f"/projects/{RORAIMA}/").status_code == 200
    assert anonymous().get(f"/projects/{RORAIMA}/").status_code == 404


def test_a_public_page_is_kept_per_language():
    spanish = anonymous().get("/countries/").content.decode()
    english = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en").get("/countries/").content.decode()
    assert '<html lang="es"' in spanish and '<html lang="en"' in english
    assert "Colombia" in spanish
    assert Country.objects.get(iso3="BRA").name_es in spanish
    assert Country.objects.get(iso3="BRA").name_en in english


def test_each_visitor_of_a_kept_page_gets_a_token_of_their_own_that_works():
    anonymous().get("/")  # kept
    visitor = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="es", enforce_csrf_checks=True)
    page = visitor.get("/").content.decode()
    assert PLACEHOLDER not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', page).group(1)
    assert f'"X-CSRFToken": "{token}"' in page
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    refused = Client(HTTP_HOST="localhost", enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert refused.status_code == 403  # the token goes with the visitor's own cookie


def test_a_visitor_with_a_message_waiting_gets_it_on_a_kept_page():
    anonymous().get("/conferences/")  # kept
    visitor = anonymous()
    visitor.cookies["messages"] = CookieStorage(HttpRequest())._encode([Message(constants.INFO, "Mensaje único")])
    assert "Mensaje único" in visitor.get("/conferences/").content.decode()
    assert "Mensaje único" not in visitor.get("/conferences/").content.decode()  # shown once


def test_the_catalogue_kept_for_htmx_is_its_results_with_their_address():
    assert b"<html" in anonymous().get("/projects/?country=COL").content
    for _ in range(2):  # filled, then read from the cache
        response = anonymous(HTTP_HX_REQUEST="true").get("/projects/?country=COL")
        assert b"<html" not in response.content
        assert response["HX-Push-Url"] == "/projects/?country=COL"
    assert b"<html" in anonymous().get("/projects/?country=COL").content


def test_a_figure_published_through_the_service_is_on_the_next_country_page(users):
    figure = PopulationFigure.objects.filter(country_id="COL", is_published=False).first()
    def rows() -> int:  # figures in the page's table, each with its source
        return anonymous().get("/countries/COL/").content.decode().count('<td class="source">')

    shown = rows()
    assert rows() == shown  # kept
    reference_services.population_figure_set_published(figure=figure, user=users["secretariat"], published=True,
                                                       expected_version=figure.version)
    assert rows() == shown + 1


def test_pages_are_served_when_the_cache_cannot_be_read_or_written(monkeypatch):
    from django.core.cache import cache as backend
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("database is locked")

    for operation in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(backend, operation, broken)
    for _ in range(2):
        response = anonymous().get("/conferences/")
        assert response.status_code == 200
        assert b"<html" in response.content


def test_migrate_makes_the_cache_table_when_it_is_missing():
    from django.core.cache import cache as backend
    from django.db import connection

    from minga.site.apps import create_cache_table

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE minga_cache")
    create_cache_table(using="default")
    backend.set("minga:probe", "here", 60)
    assert backend.get("minga:probe") == "here"
