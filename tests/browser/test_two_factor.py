"""Finding 10 of issue 8 in the browser: the secretariat enrols an authenticator app, then gives a code at
each sign-in; wrong codes are refused and throttled; a recovery code works once.

The "app" is django_otp.oath.TOTP fed with the secret the page shows, as a phone would be.
"""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from minga.accounts import twofactor
from minga.accounts.models import User
from minga.site.demo import DEMO_PASSWORD
from tests.browser.conftest import current_code, fill_code_form

pytestmark = pytest.mark.browser


def password_step(page, username="secretaria", path="/projects/review/"):
    page.goto(f"/accounts/login/?next={path}")
    page.get_by_label("Nombre de usuario").fill(username)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Iniciar sesión").click()


def sign_out(page):
    page.locator(".user-menu").get_by_role("button", name="Cerrar sesión").click()
    expect(page.locator(".user-menu").get_by_role("link", name="Iniciar sesión")).to_be_visible()


def test_the_secretariat_enrols_and_then_gives_a_code_at_each_sign_in(new_context):
    TOTPDevice.objects.filter(user__username="secretaria").delete()
    page = new_context().new_page()
    password_step(page)
    # Nothing else to do before enrolling: the review queue leads to the enrolment page.
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/enrol/\?next=%2Fprojects%2Freview%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Configurar la autenticación en dos pasos")
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    page.goto("/projects/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Configurar la autenticación en dos pasos")

    # The phone reads the secret (typed from the page rather than scanned).
    secret = page.get_by_test_id("two-factor-secret").inner_text()
    expect(page.get_by_test_id("two-factor-uri")).to_have_text(re.compile(
        rf"^otpauth://totp/Minga%3Asecretaria\?secret={secret}&algorithm=SHA1&digits=6&period=30&issuer=Minga$"))
    app = TOTP(b32decode(secret))
    fill_code_form_confirm(page, f"{app.token():06d}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Códigos de recuperación")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Continuar").click()
    expect(page).to_have_url(re.compile(r"/projects/review/$"))

    # The next sign-in asks for the app's code after the password.
    sign_out(page)
    password_step(page)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Fprojects%2Freview%2F$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Autenticación en dos pasos")
    fill_code_form(page, current_code("secretaria"))
    expect(page).to_have_url(re.compile(r"/projects/review/$"))
    expect(page.get_by_test_id("user-name")).to_be_visible()


def fill_code_form_confirm(page, code):
    page.get_by_label("Código").fill(code)
    page.get_by_role("main").get_by_role("button", name="Confirmar").click()


def test_a_wrong_code_is_refused_and_further_codes_wait(new_context, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    page = new_context().new_page()
    password_step(page)
    right = current_code("secretaria")
    fill_code_form(page, f"{(int(right) + 1) % 1_000_000:06d}")
    expect(page.get_by_test_id("two-factor-error")).to_have_text(
        "Este código no es correcto. Escriba los seis dígitos que muestra ahora la aplicación.")
    fill_code_form(page, right)
    expect(page.get_by_test_id("two-factor-error")).to_have_text(
        re.compile(r"^Demasiados códigos incorrectos\. Espere (59|60) segundos e inténtelo de nuevo\.$"))
    page.goto("/projects/review/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Fprojects%2Freview%2F$"))


def test_a_recovery_code_works_once(new_context):
    codes = twofactor.recovery_codes_renew(user=User.objects.get(username="secretaria"))
    page = new_context().new_page()
    password_step(page)
    fill_code_form(page, codes[3])
    expect(page).to_have_url(re.compile(r"/projects/review/$"))
    expect(page.get_by_role("status").filter(has_text="código de recuperación")).to_have_text(
        "Inició sesión con un código de recuperación; le quedan 9 códigos.")

    sign_out(page)
    password_step(page)
    fill_code_form(page, codes[3])
    expect(page.get_by_test_id("two-factor-error")).to_have_text(
        "Este código de recuperación no es correcto o ya se usó.")
