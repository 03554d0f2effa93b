"""A project's history reads like a record a person wrote: reasons stored as codes and worded in the reader's
language, field labels translated, yes/no for booleans, parts as sentences, no entry for a mere reordering;
rows stored before (reasons in the writer's words) still read, once the data migration turned them into codes."""

import importlib
from decimal import Decimal

import lxml.html
import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation

from minga.audit.selectors import history_of
from minga.portfolio import services
from minga.portfolio.models import Project
from tests.portfolio.test_workflow import complete_data

pytestmark = pytest.mark.django_db

migration = importlib.import_module("minga.portfolio.migrations.0003_history_reasons_as_codes")


def stored_reasons(project):
    return list(project.history.order_by("history_date", "history_id").values_list("history_change_reason",
                                                                                  flat=True))


def a_history(users):
    """Created, two parts swapped (no change), the territories' shares changed, made regional, submitted."""
    project = services.project_create(user=users["focal_col"], data=complete_data())
    data = complete_data()
    swapped = [data["locations"][0], data["locations"][2], data["locations"][1]]
    project = services.project_update(project=project, user=users["focal_col"], data={"locations": swapped},
                                      expected_version=project.version, reason="reason:step:2")
    data["locations"][1]["percentage"], data["locations"][2]["percentage"] = Decimal(50), Decimal(50)
    project = services.project_update(project=project, user=users["focal_col"], expected_version=project.version,
                                      data={"locations": data["locations"]}, reason="reason:step:2")
    project = services.project_update(project=project, user=users["focal_col"], expected_version=project.version,
                                      data={"locations": [], "is_regional": True}, reason="reason:step:2")
    return services.project_transition(project=project, user=users["focal_col"], to_status="submitted",
                                       expected_version=project.version)


def page_rows(client, project, language):
    html = client.get(f"/history/portfolio.project/{project.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    document = lxml.html.fromstring(html)
    entries = []
    for item in document.xpath('//ol[@data-testid="history"]/li'):
        reason = item.xpath('.//p[@class="reason"]')
        entries.append((item.xpath(".//p/strong")[0].text_content(), reason[0].text_content() if reason else "",
                        [[cell.text_content() for cell in row.xpath("./th|./td")]
                         for row in item.xpath(".//tbody/tr")]))
    return html, entries


def test_reasons_are_stored_as_codes(users):
    project = a_history(users)
    assert stored_reasons(project) == ["reason:created", "reason:step:2", "reason:step:2", "reason:step:2",
                                       "reason:status:submitted"]


def test_the_history_page_reads_in_the_readers_language(client_as, users):
    project = a_history(users)
    client = client_as(users["focal_col"])
    html, entries = page_rows(client, project, "pt-br")
    # Newest first; the save that only reordered the territories is no entry.
    assert [(action, reason) for action, reason, _rows in entries] == [
        ("Alterado", "situação: Enviado"), ("Alterado", "Etapa “Territórios” salva"),
        ("Alterado", "Etapa “Territórios” salva"), ("Criado", "criado")]
    status, submitted = entries[0][2]
    assert status == ["Situação", "Rascunho", "Enviado"]
    assert submitted[:2] == ["Enviado", "—"] and submitted[2].startswith(f"{timezone.localdate().day} de ")
    changed = {row[0]: row[1:] for row in entries[1][2]}
    assert changed["Regional"] == ["não", "sim"]
    assert changed["Territórios"] == ["Removido: COL 100%, CO-ARA 50%, CO-NSA 50%."]
    changed = {row[0]: row[1:] for row in entries[2][2]}
    assert changed["Territórios"] == ["Adicionado: CO-ARA 50%, CO-NSA 50%; removido: CO-ARA 60%, CO-NSA 40%."]
    assert "True" not in html and "False" not in html and "['" not in html and "creado" not in html

    _html, entries = page_rows(client, project, "es")
    assert [(action, reason) for action, reason, _rows in entries] == [
        ("Modificado", "estado: Enviado"), ("Modificado", "Paso “Territorios” guardado"),
        ("Modificado", "Paso “Territorios” guardado"), ("Creado", "creado")]
    assert {row[0]: row[1:] for row in entries[1][2]}["Regional"] == ["no", "sí"]


def test_a_comment_is_shown_as_written(users):
    project = a_history(users)
    project = services.project_transition(project=project, user=users["secretariat"], to_status="under_review",
                                          expected_version=project.version)
    project = services.project_transition(project=project, user=users["secretariat"], to_status="changes_requested",
                                          expected_version=project.version, comment="Falta el presupuesto")
    with translation.override("pt-br"):
        assert [entry.reason for entry in history_of(project)][:2] == ["Falta el presupuesto", "situação: Em análise"]


def test_reasons_stored_in_words_become_codes_and_read_in_each_language(users):
    project = a_history(users)
    rows = list(project.history.order_by("history_date", "history_id"))
    # As the platform stored them before: worded in the writer's language, whatever it was.
    for row, words in zip(rows, ["creado", "Etapa “Territórios” salva", "Step “Territories” saved",
                                 "Paso “Territorios” guardado", "estado: Enviado"], strict=True):
        type(row).objects.filter(pk=row.pk).update(history_change_reason=words)
    migration._to_codes(django_apps, None)
    assert stored_reasons(project) == ["reason:created", "reason:step:2", "reason:step:2", "reason:step:2",
                                       "reason:status:submitted"]
    with translation.override("pt-br"):
        assert [entry.reason for entry in history_of(Project.objects.get(pk=project.pk))] == [
            "situação: Enviado", "Etapa “Territórios” salva", "Etapa “Territórios” salva", "criado"]
    migration._to_words(django_apps, None)  # and back, in Spanish
    assert stored_reasons(project) == ["creado", *["Paso “Territorios” guardado"] * 3, "estado: Enviado"]
