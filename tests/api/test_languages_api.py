"""The API reads and writes each language of an organisation's name; sources come with address and date."""

import json

import pytest

from minga.reference.models import Organisation
from minga.reference.selectors import organisation_loaded

pytestmark = pytest.mark.django_db


def test_a_focal_point_names_their_government_in_one_more_language_through_the_api(client, token_of):
    gov_col = organisation_loaded("gov-col")
    response = client.patch(f"/api/v1/organisations/{gov_col.pk}", content_type="application/json",
                            data=json.dumps({"version": gov_col.version, "name_en": "Government of Colombia",
                                             "acronym_pt": "GovCol"}),
                            headers={"accept-language": "en", **token_of("focal_col")})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["name_es"], body["name_en"], body["acronym_pt"], body["version"]) == (
        "Gobierno de la República de Colombia", "Gobierno de la República de Colombia", "Government of Colombia",
        "GovCol", gov_col.version + 1)
    stored = Organisation.objects.get(pk=gov_col.pk)
    assert (stored.name_en, stored.acronym_pt) == ("Government of Colombia", "GovCol")


def test_population_figures_give_their_notes_and_their_sources_address_and_date(client):
    rows = client.get("/api/v1/population-figures", {"country": "COL", "limit": 100}).json()["items"]
    etpv = next(row for row in rows if row["group"] == "regularization_applications")
    assert (etpv["note_es"], etpv["note_pt"], etpv["note_en"]) == (
        "inscritas en el ETPV", "registradas no ETPV", "registered in the ETPV")
    assert {key: etpv["source"][key] for key in ("url", "published_on", "date_precision", "is_secondary")} == {
        "url": "https://www.infobae.com/colombia/2023/11/12/cifra-de-migrantes-venezolanos-en-colombia-disminuyo-04-"
               "entre-junio-y-agosto", "published_on": "2023-11-12", "date_precision": "day", "is_secondary": True}
