"""Login throttling (django-axes): five failed sign-ins lock the account name from that address."""

import pytest
from axes.utils import reset
from django.conf import settings
from playwright.sync_api import expect

from minga.site.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

WRONG_CREDENTIALS = ("Por favor, introduzca un nombre de usuario y clave correctos. "
                     "Observe que ambos campos pueden ser sensibles a mayúsculas.")
LOCKED = ("Esta cuenta queda bloqueada durante 15 minutos tras varios intentos fallidos de inicio de sesión "
          "desde esta dirección. Vuelva a intentarlo más tarde o restablezca su contraseña.")


@pytest.fixture
def axes_reset_afterwards():
    yield
    reset(username="focal.per")


def sign_in_attempt(page, login_form, password: str) -> int:
    """Send the login form for focal.per and return the HTTP status of the answer."""
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        login_form(page, "focal.per", password)
    page.wait_for_load_state()
    return answer.value.status


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(open_page, login_form, axes_reset_afterwards):
    assert settings.AXES_FAILURE_LIMIT == 5
    page = open_page(path="/accounts/login/")
    heading = page.get_by_role("heading", level=1)
    alert = page.get_by_role("main").get_by_role("alert")

    for attempt in range(1, 5):
        assert sign_in_attempt(page, login_form, f"wrong-password-{attempt}") == 200, f"attempt {attempt}"
        expect(heading, f"attempt {attempt}").to_have_text("Iniciar sesión")
        expect(alert, f"attempt {attempt}").to_have_text(WRONG_CREDENTIALS)

    # The fifth failure locks: the page says so instead of showing the form again.
    assert sign_in_attempt(page, login_form, "wrong-password-5") == 429
    expect(heading).to_have_text("Demasiados intentos")
    expect(alert).to_have_text(LOCKED)

    # Now even the right password is refused, and nobody is signed in.
    page.goto("/accounts/login/")
    assert sign_in_attempt(page, login_form, DEMO_PASSWORD) == 429
    expect(heading).to_have_text("Demasiados intentos")
    expect(alert).to_have_text(LOCKED)
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    expect(page.locator(".user-menu").get_by_role("link", name="Iniciar sesión")).to_be_visible()
