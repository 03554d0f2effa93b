"""Hostile text in every text field of the project input (issue 8, "done when"), through the API and the services.

Every C0 control character, DEL, a lone surrogate (JSON "\\ud800"), 10,000 characters and a right-to-left
override go into each text field: each is refused with a 422 naming that field, or stored as sent. Afterwards
every export, the project page, the catalogue and the API list answer 200 for the secretariat and the public.
"""

import json
from datetime import date

import pytest
from django.utils import timezone

from minga.common.text import control_characters, has_visible_text
from minga.portfolio import services
from minga.portfolio.inputs import ProjectInput
from minga.portfolio.models import Project
from minga.portfolio.validation import ProjectInvalid

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
CUCUTA = f"PQ-COL-{YEAR}-0001"  # published: what the public exports show
ENGLISH = {"accept-language": "en"}

SCALAR_TEXTS = [f"{stem}_{code}" for stem in ("title", "summary", "description") for code in ("es", "pt", "en")]
SCALAR_TEXTS += ["sdg_targets"]
CONTACT_TEXTS = ["name", "position", "email", "phone"]
REQUIRED_TEXTS = {"title": "Give a title in at least one language.",  # a published project is complete
                  "summary": "Give a summary in at least one language."}

CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
HOSTILE = ([f"Rutas{ch}de protección" for ch in CONTROLS]
           + ["Rutas\ud800de protección", "\udfffRutas", "x" * 10_000, "\u202eRutas de protección\u202c",
              "\u202e" * 50])


def label(value: str) -> str:
    found = control_characters(value)
    return ",".join(found) if found else f"{len(value)} chars" if len(value) > 100 else repr(value)


def patch(client, headers, changes: dict):
    project = Project.objects.get(code=CUCUTA)
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would send it.
    return client.patch(f"/api/v1/projects/{CUCUTA}", data=json.dumps({"version": project.version, **changes}),
                        content_type="application/json", headers=headers)


def expect_refused_or_stored(response, path: str, read_back, value: str, expected: str):
    if response.status_code == 422:
        detail = response.json()["detail"]
        assert list(detail) == [path], (label(value), detail)
        if control_characters(value):
            assert detail[path] == [f"Remove the control characters from this text: "
                                    f"{', '.join(control_characters(value))}."]
        return False
    assert response.status_code == 200, (path, label(value), response.content[:300])
    assert not control_characters(value), (path, label(value))
    assert read_back() == expected, (path, label(value))
    return True


def assert_everything_answers(client, client_as, users):
    pages = ["/projects/export.xlsx", "/projects/export.csv", "/projects/export.iati", f"/projects/{CUCUTA}/",
             "/projects/", "/api/v1/projects", f"/api/v1/projects/{CUCUTA}", "/projects/export.xlsx?q=rutas"]
    for who in ("secretariat", "anonymous"):
        browser = client_as(users[who])
        for page in pages:
            response = browser.get(page, headers=ENGLISH)
            assert response.status_code == 200, (who, page, response.status_code)


@pytest.mark.usefixtures("demo_as_real")  # the IATI download holds real projects only: it answers 200
def test_every_text_field_through_the_api_is_refused_by_name_or_stored(client, client_as, token_of, users):
    headers = token_of("secretariat")
    before = Project.objects.get(code=CUCUTA).version
    for value in HOSTILE:
        found = control_characters(value)
        if not found:
            continue
        # Refused in every field at once, each named: nothing is written.
        message = [f"Remove the control characters from this text: {', '.join(found)}."]
        response = patch(client, headers, dict.fromkeys(SCALAR_TEXTS, value))
        assert (response.status_code, response.json()) == (
            422, {"detail": dict.fromkeys(SCALAR_TEXTS, message)}), label(value)
        response = patch(client, headers, {"contacts": [dict.fromkeys(CONTACT_TEXTS, value)]})
        assert (response.status_code, response.json()) == (
            422, {"detail": {f"contacts[1].{name}": message for name in CONTACT_TEXTS}}), label(value)
    assert Project.objects.get(code=CUCUTA).version == before

    stored = 0
    for value in (value for value in HOSTILE if not control_characters(value)):
        for name in SCALAR_TEXTS:
            response = patch(client, headers, {name: value})
            stem = name.rsplit("_", 1)[0]
            if response.status_code == 422 and stem in REQUIRED_TEXTS and not has_visible_text(value):
                # The last title (summary) that shows something cannot go: the title as a whole is named.
                assert response.json() == {"detail": {stem: [REQUIRED_TEXTS[stem]]}}
                continue
            stored += expect_refused_or_stored(response, name,
                                               lambda name=name: getattr(Project.objects.get(code=CUCUTA), name), value,
                                               # trimmed as ever; text that shows nothing is no text
                                               value.strip() if has_visible_text(value) else "")
        for name in CONTACT_TEXTS:
            contact = {"name": "María Pérez", "email": "maria@example.org", name: value}
            response = patch(client, headers, {"contacts": [contact]})
            stored += expect_refused_or_stored(
                response, f"contacts[1].{name}",
                lambda name=name: getattr(Project.objects.get(code=CUCUTA).contacts.get(), name), value, value.strip())
    assert stored > 0  # the right-to-left override and the long description are kept
    assert_everything_answers(client, client_as, users)


def test_the_services_refuse_each_control_character_in_every_text_field_at_once(users):
    project = Project.objects.get(code=CUCUTA)
    for ch in CONTROLS + ["\ud800"]:
        value = f"Rutas{ch}de protección"
        data = ProjectInput(**dict.fromkeys(SCALAR_TEXTS, value),
                            contacts=[dict.fromkeys(CONTACT_TEXTS, value)],
                            participants=[{"organisation": row.organisation, "role": value}
                                          for row in project.participants.all()[:1]],
                            funding=[{"funder": project.proposing_organisation, "amount": 1, "currency": value,
                                      "value_date": date(2026, 1, 1)}])
        if ch in "\t\n\r":
            continue  # tab and line breaks are text
        with pytest.raises(ProjectInvalid) as refused:
            services.project_update(project=project, user=users["secretariat"], data=data,
                                    expected_version=project.version)
        message = [f"Remove the control characters from this text: U+{ord(ch):04X}."]
        paths = [*SCALAR_TEXTS, *(f"contacts[1].{key}" for key in CONTACT_TEXTS), "participants[1].role",
                 "funding[1].currency"]
        assert {path: refused.value.errors.get(path) for path in paths} == dict.fromkeys(paths, message), repr(ch)
    assert Project.objects.get(code=CUCUTA).version == project.version  # nothing written
