"""A project's page lists the flows that fund it, read through a registry: the portfolio does not import finance
(finance imports the portfolio; pyproject's import-linter contract "portfolio-does-not-import-finance")."""

from minga.finance.selectors.follow_up import flows_for_project
from minga.portfolio.selectors import matching


def test_finance_registers_its_reader_at_start_up():
    assert [flows_for_project] == matching._FLOWS_READER


def test_without_finance_a_project_lists_no_flows(monkeypatch):
    monkeypatch.setattr(matching, "_FLOWS_READER", [])
    assert matching.project_flows(None, object()) == []


def test_the_registered_reader_answers_for_the_user_and_the_project(monkeypatch):
    monkeypatch.setattr(matching, "_FLOWS_READER", [])
    matching.register_flows_reader(lambda user, project: [("read for", user, project)])
    assert matching.project_flows("reader", "project") == [("read for", "reader", "project")]
