"""Every figure Minga ships cites a dated publication with its address; press copies say so."""

import json
from datetime import date
from importlib import resources

import pytest

from minga.finance.models import ConferenceFigure, Pledge
from minga.reference.loaders import LIVE_PAGE_SHIPPED_BEFORE, load_sources
from minga.reference.models import OrganisationRole, PopulationFigure, RegionalFigure, Source

pytestmark = pytest.mark.django_db

# DOMAIN.md gives these pages no date ("undated"): they say so rather than carry an invented one.
UNDATED = {"member_states", "dac", "un_network_2021"}
# DOMAIN.md marks these as press copies of figures whose primary page was not found.
SECONDARY = {"r4v_2023_08", "r4v_2024_mid", "col_etpv_2023_08", "per_cpp_2023", "conf_2019_press"}


def _shipped() -> dict[str, dict]:
    specs = {}
    for package, name in (("minga.reference", "organisations.json"), ("minga.reference", "vocabularies.json"),
                          ("minga.site", "demo.json")):
        specs.update(json.loads(resources.files(package).joinpath("data", name).read_text(encoding="utf-8"))["sources"])
    return {key: spec for key, spec in specs.items() if not spec.get("illustrative")}


def test_every_shipped_source_has_an_address_and_a_date_or_says_it_is_undated():
    shipped = _shipped()
    assert len(shipped) == 19
    assert {key for key, spec in shipped.items() if not spec["url"].startswith("https://")} == set()
    assert {key for key, spec in shipped.items() if not spec["published_on"]} == UNDATED
    assert {key for key, spec in shipped.items() if spec["date_precision"] == "undated"} == UNDATED
    assert {key for key, spec in shipped.items() if spec.get("secondary")} == SECONDARY
    assert {key for key, spec in shipped.items() if not (spec["title_es"] and spec["title_pt"] and spec["title_en"])} == set()


def test_every_real_figure_loaded_cites_a_source_with_an_address_and_a_date():
    cited = (
        {figure.source for figure in PopulationFigure.objects.select_related("source")}
        | {figure.source for figure in ConferenceFigure.objects.select_related("source")}
        | {pledge.source for pledge in Pledge.objects.select_related("source")}
        | {figure.source for figure in RegionalFigure.objects.select_related("source")}
        | {role.source for role in OrganisationRole.objects.select_related("source") if role.source}
    )
    real = [source for source in cited if not source.is_illustrative]
    assert len(real) == 16  # the vocabularies cite the other three (axes, RMRP sectors, DAC codes)
    assert [source.load_key for source in real if not source.url] == []
    assert sorted(source.load_key for source in real if source.published_on is None) == [
        "source:member_states", "source:un_network_2021"]
    assert all(source.date_precision == "undated" for source in real if source.published_on is None)


def test_the_two_r4v_rounds_cite_their_own_dated_publications_not_the_live_page():
    august_2023 = Source.objects.get(load_key="source:r4v_2023_08")
    mid_2024 = Source.objects.get(load_key="source:r4v_2024_mid")
    assert (august_2023.url, august_2023.published_on, august_2023.is_secondary) == (
        "https://diariocontraste.com/?p=291148186010085", date(2023, 9, 6), True)
    assert (mid_2024.url, mid_2024.published_on, mid_2024.date_precision, mid_2024.is_secondary) == (
        "https://evtv.online/destacados/venezuela-fue-en-el-2023-el-tercer-pais-con-mayor-cantidad-de-desplazados-"
        "y-refugiados-en-el-mundo", date(2024, 7, 1), "month", True)


def test_perus_cpp_figure_carries_the_date_its_source_gives():
    figure = PopulationFigure.objects.get(country_id="PER", group="regularization_applications")
    assert figure.as_of == date(2023, 11, 10)  # the window closed on 10 November 2023; not "31 December"
    assert figure.source.url.startswith("https://elcomercio.pe/") and figure.source.is_secondary


def test_member_since_2018_only_for_the_eleven_signatories_of_the_declaration_of_quito():
    roles = OrganisationRole.objects.filter(role="member_state").select_related("organisation", "source")
    since = {role.organisation.country_id: (role.since_year, role.source.load_key) for role in roles}
    assert len(since) == 13
    assert {country for country, (year, _) in since.items() if year == 2018} == {
        "ARG", "BRA", "CHL", "COL", "CRI", "ECU", "MEX", "PAN", "PRY", "PER", "URY"}
    assert {country for country, (year, _) in since.items() if year == 2018
            and since[country][1] != "source:quito_declaration_2018"} == set()
    assert since["DOM"] == since["GUY"] == (None, "source:declaration_2023")
    quito = Source.objects.get(load_key="source:quito_declaration_2018")
    assert (quito.published_on, quito.url) == (date(2018, 9, 4), "https://www.cancilleria.gob.ec/en/declaration-of-"
                                                                 "quito-on-human-mobility-of-venezuelan-citizens-in-the-region/")


def _figure(conference, kind, qualifier):
    return ConferenceFigure.objects.select_related("source").get(
        conference__code=conference, kind=kind, qualifier=qualifier)


def test_the_2021_later_total_cites_the_2023_declaration_and_the_later_loans_their_own_source():
    total = _figure("virtual-2021", "total", "later")
    loans = _figure("virtual-2021", "loans", "later")
    assert (total.amount_usd, total.source.load_key) == (2_350_000_000, "source:declaration_2023")
    assert total.note_en == "the 2023 Joint Declaration: “more than {USD 2350000000}”"
    assert (loans.amount_usd, loans.source.load_key, loans.source.publisher) == (
        1_400_000_000, "source:un_network_2021", "United Nations Network on Migration")


def test_the_2019_conference_keeps_both_what_was_announced_and_what_the_press_reported():
    announced = _figure("brussels-2019", "announced", "more_than")
    press = _figure("brussels-2019", "announced", "press")
    assert (announced.amount, announced.currency, announced.source.url) == (
        110_000_000, "USD", "https://eeas.europa.eu/topics/migration/69549/venezuela-conference-making-sure-whole-"
                            "world-mobilises-when-one-continent-need_en")
    assert (press.amount, press.currency, press.amount_usd, press.source.is_secondary) == (120_000_000, "EUR", None, True)
    assert press.note_en == "plus {EUR 30000000}, as the press reported from the closing briefing"


SPEC = {"publisher": "R4V", "title": "Old title", "title_es": "Título", "title_pt": "Título pt", "title_en": "Title",
        "url": "https://www.r4v.info/en/document/dated", "published_on": "2024-11-01", "date_precision": "month",
        "secondary": False}


def test_a_source_loaded_without_an_address_becomes_the_dated_publication():
    Source.objects.create(load_key="source:test_old", publisher="R4V Old", title="Old title")
    source = load_sources({"test_old": SPEC})["test_old"]
    source.refresh_from_db()
    assert (source.publisher, source.url, source.published_on, source.date_precision, source.title_es) == (
        "R4V", "https://www.r4v.info/en/document/dated", date(2024, 11, 1), "month", "Título")


def test_a_source_still_pointing_at_the_live_page_shipped_before_gets_its_dated_publication():
    Source.objects.create(load_key="source:test_live", publisher="R4V", title="Old title", url=LIVE_PAGE_SHIPPED_BEFORE)
    source = load_sources({"test_live": SPEC})["test_live"]
    assert (source.url, source.published_on) == ("https://www.r4v.info/en/document/dated", date(2024, 11, 1))


def test_an_address_people_gave_a_source_stays_and_only_empty_titles_are_filled():
    Source.objects.create(load_key="source:test_edited", publisher="Edited", title="Edited title",
                          url="https://example.org/edited", title_en="Edited English")
    source = load_sources({"test_edited": SPEC})["test_edited"]
    source.refresh_from_db()
    assert (source.publisher, source.url, source.published_on, source.title_en, source.title_es) == (
        "Edited", "https://example.org/edited", None, "Edited English", "Título")
