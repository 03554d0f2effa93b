"""The pages render the real figures with their sources, in the reader's language, and leak nothing."""

import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import translation

from minga.accounts.models import RoleGrant

pytestmark = pytest.mark.django_db


def test_home_shows_latest_figure_per_member_state_with_source(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    people = {row.country.iso3: (row.figure.value, row.figure.as_of.isoformat())
              for row in response.context["people"]}
    assert people["COL"] == (2_860_000, "2024-06-30")
    assert people["BRA"] == (626_885, "2024-12-31")  # the newer December 2024 figure wins
    assert len(people) == 13
    # No sum of figures of different dates and precisions: the totals R4V publishes, with source and date.
    assert "people_total" not in response.context
    assert [(total.region, total.value, total.as_of.isoformat(), total.source.url)
            for total in response.context["regional_totals"]] == [
        ("world", 7_891_000, "2024-11-30", "https://www.r4v.info/en/document/r4v-latin-america-and-caribbean-"
                                           "venezuelan-refugees-and-migrants-region-nov-2024"),
        ("latin_america_caribbean", 6_590_000, "2024-06-30", "https://evtv.online/destacados/venezuela-fue-en-el-"
         "2023-el-tercer-pais-con-mayor-cantidad-de-desplazados-y-refugiados-en-el-mundo"),
    ]
    html = response.content.decode()
    assert "6,559,485" not in html


def test_home_lists_the_four_conferences_with_their_headline_figure(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    headlines = [(row.conference.code, row.headline.kind, row.headline.qualifier, row.headline.amount_usd)
                 for row in response.context["conferences"]]
    assert headlines == [
        ("brussels-2019", "announced", "more_than", 110_000_000),
        ("virtual-2020", "total", "exact", 2_790_000_000),
        ("virtual-2021", "total", "later", 2_350_000_000),
        ("brussels-2023", "total", "approximate", 860_000_000),
    ]


def test_numbers_follow_the_readers_language(client):
    spanish = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # An approximate figure ("2.86 M" in the source) is written rounded, in the reader's own format.
    assert "≈</abbr> 2,86 millones" in spanish and "≈</abbr> 2.86 million" in english


def test_pages_load_no_script_or_style_from_another_host(client):
    for path in ["/", "/countries/", "/countries/COL/", "/organisations/", "/conferences/", "/taxonomies/",
                 "/accounts/login/", "/api/v1/docs"]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], (path, external)


def _figure_subdivisions(response):
    return sorted(figure.subdivision_id or "" for figure in response.context["figures"])


def test_unpublished_figure_is_hidden_from_the_public_page(client, client_as, users):
    assert _figure_subdivisions(client.get("/countries/COL/")) == ["", "", "", ""]
    assert _figure_subdivisions(client_as(users["focal_col"]).get("/countries/COL/")) == ["", "", "", "", "CO-NSA"]


def test_history_page_is_refused_to_the_public(client):
    from minga.reference.models import Organisation

    iom = Organisation.objects.get(load_key="organisation:iom")
    assert client.get(f"/history/reference.organisation/{iom.pk}/").status_code == 403


def test_password_reset_sends_a_working_link(client, users):
    response = client.post("/accounts/password-reset/", {"email": "focal.col@demo.minga.localhost"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["focal.col@demo.minga.localhost"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "otra-clave-larga-2026",
                                                         "new_password2": "otra-clave-larga-2026"})
    assert done.status_code == 302
    users["focal_col"].refresh_from_db()
    assert users["focal_col"].check_password("otra-clave-larga-2026")


@translation.override("en")
def test_grant_role_refuses_an_unknown_country_and_grants_nothing(users):
    before = RoleGrant.objects.count()
    with pytest.raises(CommandError, match=re.escape("Unknown country code 'XYZ': give an ISO 3166-1 alpha-3 code such as COL.")):
        call_command("grant_role", "observador", "country_focal_point", "--country", "XYZ")
    with pytest.raises(CommandError, match=re.escape("Not granted: country: A country focal point is scoped to one country.")):
        call_command("grant_role", "observador", "country_focal_point")
    assert RoleGrant.objects.count() == before
    call_command("grant_role", "observador", "country_focal_point", "--country", "ecu")
    assert RoleGrant.objects.filter(user=users["observer"], country_id="ECU").count() == 1
