"""A counted person is a person (issue 9): the demo counts as people served only those a project serves."""

import pytest

from minga.portfolio import demo
from minga.portfolio.models import Project

pytestmark = pytest.mark.django_db


def test_the_kit_for_front_line_officials_counts_no_official_as_a_person_served():
    kit = Project.all_objects.get(load_key="project:lima-kit")
    assert (kit.people_total, kit.people_with_disabilities) == (0, None)
    assert list(kit.people.values_list("dimension", "category", "people")) == []
    # The officials it trains are described, not counted.
    assert kit.summary_es.startswith("Formación de 800 funcionarias y funcionarios municipales de primera línea "
                                     "(480 mujeres y 320 hombres)")


def test_every_demo_breakdown_adds_up_to_its_total_and_counts_people_served():
    for spec in demo.PROJECTS:
        for breakdown in (spec["groups"], spec["sex_age"]):
            if breakdown:
                assert sum(breakdown.values()) == spec["people"], spec["key"]
        stored = Project.all_objects.get(load_key=f"project:{spec['key']}")
        assert {(row.category, row.people) for row in stored.people.all()} == {
            *spec["groups"].items(), *spec["sex_age"].items()}, spec["key"]
    # Only projects that serve refugees, migrants and their hosts count a host community.
    assert sorted(spec["key"] for spec in demo.PROJECTS if "host_community" in spec["groups"]) == [
        "carchi-integration", "cucuta-reception"]
