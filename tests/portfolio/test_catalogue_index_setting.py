"""MINGA_CATALOGUE_INDEX: the catalogue counts from the facet index in memory (default) or in plain SQL."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from minga.config import env_choice
from minga.portfolio.facet_index import INDEX
from tests.codes import YEAR

CHOICES = ("memory", "sql")


@pytest.mark.parametrize(("raw", "expected"), [(None, "memory"), ("", "memory"), ("  ", "memory"),
                                               ("sql", "sql"), (" SQL ", "sql"), ("Memory", "memory")])
def test_the_setting_is_read_from_the_environment(monkeypatch, raw, expected):
    if raw is None:
        monkeypatch.delenv("MINGA_CATALOGUE_INDEX", raising=False)
    else:
        monkeypatch.setenv("MINGA_CATALOGUE_INDEX", raw)
    assert env_choice("MINGA_CATALOGUE_INDEX", choices=CHOICES, default="memory") == expected


def test_an_unknown_value_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("MINGA_CATALOGUE_INDEX", "redis")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_choice("MINGA_CATALOGUE_INDEX", choices=CHOICES, default="memory")
    assert str(refused.value) == "MINGA_CATALOGUE_INDEX must be one of memory, sql, not 'redis'."


def test_the_default_is_the_index_in_memory():
    from django.conf import settings

    assert settings.MINGA_CATALOGUE_INDEX == "memory"


@pytest.mark.django_db
@pytest.mark.parametrize("index", CHOICES)
def test_the_catalogue_page_is_the_same_either_way(client, settings, index):
    settings.MINGA_CATALOGUE_INDEX = index
    response = client.get("/projects/?sort=code&country=COL&country=PER", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert re.findall(r'<tr data-code="([^"]+)"', html) == [f"PQ-COL-{YEAR}-0001", f"PQ-PER-{YEAR}-0001"]
    assert re.search(r'id="facet-country-per"[^>]*>\s*<label[^>]*>Peru</label>\s*<span class="count" '
                     r'data-count="1">', html)
    assert INDEX.builds == (1 if index == "memory" else 0)
