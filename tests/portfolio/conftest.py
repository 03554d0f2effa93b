"""Fixtures of the portfolio tests."""

import pytest


@pytest.fixture
def browser(client_as):
    """``browser(user)``: the test client signed in as ``user``, reading pages in English."""

    def open_as(user):
        client = client_as(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return open_as
