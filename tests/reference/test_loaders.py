
import pytest

from minga.reference.loaders import load_reference
from minga.reference.models import Country, Organisation, PopulationFigure, Subdivision, Term
from minga.site.demo import load_demo

pytestmark = pytest.mark.django_db

MEMBER_STATES = {"ARG", "BRA", "CHL", "COL", "CRI", "DOM", "ECU", "GUY", "MEX", "PAN", "PRY", "PER", "URY"}


def test_thirteen_member_states_and_venezuela_as_origin():
    assert set(Country.objects.filter(is_member_state=True).values_list("iso3", flat=True)) == MEMBER_STATES
    assert list(Country.objects.filter(is_origin=True).values_list("iso3", flat=True)) == ["VEN"]


def test_country_names_in_three_languages():
    brazil = Country.objects.get(iso3="BRA")
    assert (brazil.name_es, brazil.name_pt, brazil.name_en) == ("Brasil", "Brasil", "Brazil")
    germany = Country.objects.get(iso3="DEU")
    assert (germany.name_es, germany.name_pt, germany.name_en) == ("Alemania", "Alemanha", "Germany")
    assert germany.is_group_of_friends


def test_dominican_provinces_are_the_first_level_under_iso_regions():
    province = Subdivision.objects.get(code="DO-25")  # Santiago
    assert province.is_admin1 and province.parent.code == "DO-35" and not province.parent.is_admin1
    assert Subdivision.objects.filter(country_id="DOM", is_admin1=True).count() == 32


def test_loading_twice_changes_nothing():
    counts = {model: model._default_manager.count() for model in (Country, Subdivision, Term, Organisation)}
    reports = load_reference()
    # Every row read again and found as stored (a loader that read nothing would create and update nothing too).
    assert {kind: (report.created, report.updated, report.unchanged) for kind, report in reports.items()} == {
        "countries": (0, 0, 249), "subdivisions": (0, 0, 317), "taxonomies": (0, 0, 69), "sector names": (0, 0, 26),
        "organisations": (0, 0, 27)}
    assert {model: model._default_manager.count() for model in counts} == counts


def test_demo_reload_keeps_edits_and_adds_no_duplicates():
    figure = PopulationFigure.objects.get(load_key="figure:COL:refugees_migrants:2024-06-30:r4v_2024_mid")
    figure.value = 2_861_000
    figure.save()
    before = PopulationFigure.all_objects.count()
    report = load_demo()
    assert len(report.created) == 17 and set(report.created.values()) == {0}  # every kind read again, none added
    assert PopulationFigure.all_objects.count() == before
    figure.refresh_from_db()
    assert figure.value == 2_861_000


def test_demo_figures_keep_source_and_date():
    figure = PopulationFigure.objects.get(country_id="BRA", as_of="2024-12-31")
    assert figure.value == 626_885 and not figure.is_approximate
    assert (figure.source.publisher, figure.source.url, figure.source.published_on.isoformat(),
            figure.source.date_precision) == ("R4V", "https://www.r4v.info/en/refugeeandmigrants", "2024-12-01", "month")


def test_every_subdivision_type_has_a_translatable_label():
    from minga.reference.models import SUBDIVISION_CATEGORIES

    assert set(Subdivision.objects.values_list("category", flat=True)) <= set(SUBDIVISION_CATEGORIES)
