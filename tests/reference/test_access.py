"""Organisations and population figures fetched with their permission, and the version an edit form sends back.

Hidden or missing: 404; seen but refused: 403; a version that is missing or not a number: 400 with the
reason, the record untouched (it was a server error, or a silent conflict, before).
"""

import re

import pytest
from django.core.exceptions import PermissionDenied

from minga.accounts.permissions import Action, NotFound
from minga.audit import services as audit
from minga.reference.forms import OrganisationForm
from minga.reference.models import Organisation, PopulationFigure
from minga.reference.selectors import access_organisation, access_population_figure, organisation_loaded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NSA_DRAFT = "figure:CO-NSA:refugees_migrants:2024-06-30:illustrative"  # unpublished, in Colombia
MESSAGE = "The form's version is missing or not a number; reload the page."
BAD_VERSIONS = [{"version": "abc"}, {}, {"version": ""}, {"version": "-1"}, {"version": "99999999999999999999"}]


@pytest.fixture
def draft_figure(db) -> PopulationFigure:
    return PopulationFigure.objects.get(load_key=NSA_DRAFT)


def test_an_organisation_is_found_for_everyone_and_changed_by_its_editors(users):
    iom, gov_col = organisation_loaded("iom"), organisation_loaded("gov-col")
    assert access_organisation(None, iom.pk) == iom
    assert access_organisation(users["focal_col"], gov_col.pk, Action.CHANGE) == gov_col
    with pytest.raises(PermissionDenied) as refused:
        access_organisation(users["focal_col"], iom.pk, Action.CHANGE)
    assert str(refused.value) == "You may not change this record (organisation)."
    for key in (10**9, "abc", None):
        with pytest.raises(NotFound):
            access_organisation(None, key)


def test_a_deleted_organisation_is_found_only_by_the_secretariat_and_only_where_asked(users):
    gov_col = audit.record_soft_delete(instance=organisation_loaded("gov-col"), user=users["secretariat"])
    assert access_organisation(users["secretariat"], gov_col.pk, include_deleted=True).pk == gov_col.pk
    for who, include_deleted in (("secretariat", False), ("focal_col", True), ("anonymous", True)):
        with pytest.raises(NotFound):
            access_organisation(users[who], gov_col.pk, include_deleted=include_deleted)
    for who in ("secretariat", "focal_col"):  # what is deleted is not edited: not found
        with pytest.raises(NotFound):
            access_organisation(users[who], gov_col.pk, Action.CHANGE)


@pytest.mark.parametrize(("who", "action", "outcome"), [
    ("anonymous", Action.VIEW, NotFound),
    ("focal_per", Action.VIEW, NotFound),
    ("focal_per", Action.CHANGE, NotFound),
    ("focal_col", Action.VIEW, None),
    ("focal_col", Action.CHANGE, None),
    ("observer", Action.VIEW, None),
    ("observer", Action.CHANGE, "You may not change this record (population figure)."),
    ("focal_col", Action.PUBLISH, "You may not publish this record (population figure)."),
    ("secretariat", Action.PUBLISH, None),
])
def test_an_unpublished_figure_is_hidden_outside_its_scope(users, draft_figure, who, action, outcome):
    if outcome is None:
        assert access_population_figure(users[who], draft_figure.pk, action) == draft_figure
    elif outcome is NotFound:
        with pytest.raises(NotFound):
            access_population_figure(users[who], draft_figure.pk, action)
    else:
        with pytest.raises(PermissionDenied) as refused:
            access_population_figure(users[who], draft_figure.pk, action)
        assert str(refused.value) == outcome


def test_figure_pages_answer_404_when_hidden_and_403_when_refused(client_as, users, draft_figure):
    assert client_as(users["focal_per"]).get(f"/figures/{draft_figure.pk}/edit/").status_code == 404
    assert client_as(users["focal_col"]).get(f"/figures/{draft_figure.pk}/edit/").status_code == 200
    assert client_as(users["observer"]).get(f"/figures/{draft_figure.pk}/edit/").status_code == 403
    assert client_as(users["focal_per"]).post(f"/figures/{draft_figure.pk}/publish/", {
        "published": "1", "version": draft_figure.version}).status_code == 404
    assert client_as(users["focal_col"]).post(f"/figures/{draft_figure.pk}/publish/", {
        "published": "1", "version": draft_figure.version}).status_code == 403
    assert client_as(users["focal_col"]).get("/organisations/999999999/").status_code == 404
    assert PopulationFigure.objects.get(pk=draft_figure.pk).is_published is False


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_publishing_with_a_bad_version_is_400_with_the_reason(client_as, users, draft_figure, version):
    response = client_as(users["secretariat"]).post(f"/figures/{draft_figure.pk}/publish/",
                                                    {"published": "1", **version}, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.content.decode()) == (400, MESSAGE)
    stored = PopulationFigure.objects.get(pk=draft_figure.pk)
    assert (stored.is_published, stored.version) == (False, draft_figure.version)


def test_publishing_with_the_version_read_publishes(client_as, users, draft_figure):
    response = client_as(users["secretariat"]).post(f"/figures/{draft_figure.pk}/publish/",
                                                    {"published": "1", "version": str(draft_figure.version)})
    assert (response.status_code, response["Location"]) == (302, draft_figure.get_absolute_url())
    stored = PopulationFigure.objects.get(pk=draft_figure.pk)
    assert (stored.is_published, stored.version) == (True, draft_figure.version + 1)


def organisation_post(organisation: Organisation, **changes) -> dict:
    """What the edit form sends back for ``organisation`` unchanged, with ``changes``; no version."""
    initial = OrganisationForm(instance=organisation).initial
    data = {name: "" if initial.get(name) is None else initial[name] for name in OrganisationForm.Meta.fields}
    return {**data, **changes}


def versions_in(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="version" value="([^"]*)"', html)


@pytest.mark.parametrize("version", BAD_VERSIONS)
def test_an_organisation_edit_with_a_bad_version_shows_the_form_with_the_reason(client_as, users, version):
    gov_col = organisation_loaded("gov-col")
    response = client_as(users["focal_col"]).post(f"/organisations/{gov_col.pk}/edit/",
                                                  organisation_post(gov_col, acronym="GdC", **version),
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [MESSAGE]
    shown = MESSAGE.replace("'", "&#x27;")  # as the template escapes it
    assert f'<div class="form-errors" role="alert"><p>{shown}</p>' in response.content.decode()
    assert 'value="GdC"' in response.content.decode()  # what was typed is kept
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.acronym, stored.version) == (gov_col.acronym, gov_col.version)


@pytest.mark.parametrize("version", BAD_VERSIONS[:2])
def test_a_figure_edit_with_a_bad_version_shows_the_form_with_the_reason(client_as, users, draft_figure, version):
    data = {"country": "COL", "subdivision": draft_figure.subdivision_id, "group": draft_figure.group,
            "value": draft_figure.value + 1, "as_of": draft_figure.as_of.isoformat(),
            "source": draft_figure.source_id, **version}
    response = client_as(users["focal_col"]).post(f"/figures/{draft_figure.pk}/edit/", data,
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.context["form"].non_field_errors()) == (400, [MESSAGE])
    assert PopulationFigure.objects.get(pk=draft_figure.pk).value == draft_figure.value


def test_after_a_conflict_saving_again_applies_the_changes_to_the_new_version(client_as, users):
    gov_col = organisation_loaded("gov-col")
    audit.record_update(instance=gov_col, user=users["secretariat"], changes={"website": "https://example.org"},
                        expected_version=gov_col.version)
    client = client_as(users["focal_col"])
    stale = organisation_post(gov_col, acronym="GdC", version=str(gov_col.version))
    response = client.post(f"/organisations/{gov_col.pk}/edit/", stale, HTTP_ACCEPT_LANGUAGE="en")
    assert (response.status_code, response.context["conflict"].version) == (200, gov_col.version + 1)
    # Every version field of the page names the version now stored; the form keeps what was typed.
    assert versions_in(response.content.decode()) == [str(gov_col.version + 1)] * 2
    assert 'value="GdC"' in response.content.decode()
    again = client.post(f"/organisations/{gov_col.pk}/edit/", {**stale, "version": str(gov_col.version + 1)})
    assert again.status_code == 302
    stored = Organisation.objects.get(pk=gov_col.pk)
    # The form sends every field: the page's values, compared by the editor with the conflict box, win.
    assert (stored.acronym, stored.website, stored.version) == ("GdC", "", gov_col.version + 2)
