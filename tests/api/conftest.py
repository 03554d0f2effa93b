"""Fixtures of the API tests."""

import pytest

from minga.accounts.services import api_token_create


@pytest.fixture
def token_of(users):
    """``token_of("focal_col")`` gives the Authorization headers of a fresh API token of that demo user,
    asking for answers in English."""

    def make(role: str) -> dict:
        _, key = api_token_create(user=users[role], name="tests")
        return {"authorization": f"Bearer {key}", "accept-language": "en"}

    return make
