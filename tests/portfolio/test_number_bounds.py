"""Finding 1 of issue 8: a number in an address is bounded before use; out of bounds is a quick 400 naming it."""


import pytest

from tests.codes import YEAR

pytestmark = [pytest.mark.django_db]

TOO_LARGE = "Too large: at most 9999999999999999.99."


def get_refused(client, url):
    # Refused before anything computes with it: the exact 400 is the proof (timings belong in bench/).
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("backend", ["memory", "sql"])
@pytest.mark.parametrize(("query", "message"), [
    ("gap_min=1e999990&gap_max=1e999990", f"gap_min: {TOO_LARGE}"),  # kept a worker busy past the timeout
    ("gap_min=1e999999", f"gap_min: {TOO_LARGE}"),  # was a 500 (decimal.Overflow)
    ("gap_max=-1e999999", f"gap_max: {TOO_LARGE}"),
    ("gap_max=0.001", "gap_max: At most 2 decimal places."),
    ("gap_min=" + "9" * 100_000, "gap_min: Too many digits: at most 40 characters."),
    ("page=" + "9" * 100_000, "page: Too many digits: at most 40 characters."),
    ("page=12345678901234567890", "page: Between 0 and 1000000."),
])
def test_the_catalogue_refuses_a_number_out_of_bounds_with_a_400_naming_it(client, settings, backend, query,
                                                                             message):
    settings.MINGA_CATALOGUE_INDEX = backend
    response = get_refused(client, f"/projects/?{query}")
    assert response.status_code == 400
    assert f"<p>{message}</p>" in response.content.decode()


# A gap the page cannot read ("abc", "NaN") is refused, naming it (tests/portfolio/test_catalogue_typed_amounts.py):
# dropped, it showed every project as if filtered. A page number that is no number still gives the first page.
@pytest.mark.parametrize("query", ["page=abc", "page=-3", "page=0", "page=", "gap_min=&gap_max="])
def test_text_that_is_no_number_is_still_dropped(client, query):
    response = get_refused(client, f"/projects/?{query}")
    assert response.status_code == 200
    assert response.context["catalogue"].page.number == 1


def test_a_page_past_the_end_within_bounds_still_shows_the_last_page(client):
    response = get_refused(client, "/projects/?page=999999")
    assert (response.status_code, response.context["catalogue"].page.number) == (200, 1)


def test_a_bound_within_range_still_filters(client):
    response = get_refused(client, "/projects/?gap_min=1000000&gap_max=9999999999999999.99&sort=code")
    assert response.status_code == 200
    assert [p.code for p in response.context["catalogue"].page] == [f"PQ-COL-{YEAR}-0001"]


@pytest.mark.parametrize("format", ["xlsx", "csv", "iati"])
@pytest.mark.parametrize(("query", "message"), [
    ("gap_min=1e999990&gap_max=1e999990", f"gap_min: {TOO_LARGE}"),
    ("gap_max=1e999999", f"gap_max: {TOO_LARGE}"),
])
def test_the_exports_refuse_a_number_out_of_bounds_with_a_400_naming_it(client, format, query, message):
    response = get_refused(client, f"/projects/export.{format}?{query}")
    assert (response.status_code, response["Content-Type"], response.content.decode()) == (
        400, "text/plain; charset=utf-8", message)
