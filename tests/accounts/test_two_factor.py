"""Finding 10 of issue 8: the secretariat signs in with a second factor; idle sessions end.

Signing in goes through the real login form (the test client posts it); codes are computed from the
device's key as the authenticator app would (django_otp.oath, through twofactor.totp_now).
"""

import re
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minga.accounts import twofactor
from minga.accounts.models import ApiToken
from minga.site.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
ENROL = "/accounts/two-factor/enrol/"
RECOVERY = "/accounts/two-factor/recovery-codes/"


def sign_in(client, username, password=DEMO_PASSWORD, next_url="/accounts/me/"):
    """The password step of the login form, as a browser sends it; returns the response."""
    client.logout()
    client.cookies["minga_language"] = "en"  # pages in English, to compare messages word for word
    return client.post("/accounts/login/", {"username": username, "password": password, "next": next_url})


def app_code(username) -> str:
    return twofactor.totp_now(TOTPDevice.objects.get(user__username=username, confirmed=True))


def error_of(response) -> str:
    found = re.search(r'data-testid="two-factor-error">([^<]*)<', response.content.decode())
    return found.group(1) if found else ""


def test_the_demo_secretariat_has_an_app_with_the_published_demo_secret(users):
    device = TOTPDevice.objects.get(user=users["secretariat"])
    assert device.confirmed
    assert twofactor.secret_base32(device) == DEMO_TOTP_SECRET
    # Every other demo account signs in with its password alone.
    assert TOTPDevice.objects.exclude(user=users["secretariat"]).count() == 0


def test_after_the_password_the_secretariat_can_do_nothing_but_give_its_code(client, users):
    response = sign_in(client, "secretaria", next_url="/projects/review/")
    assert response.status_code == 302 and response["Location"] == "/projects/review/"
    # Every page but the code page and signing out leads to the code page, keeping where one was going.
    for url in ["/projects/review/", "/accounts/me/", "/organisations/new/", "/projects/new/", RECOVERY]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{VERIFY}?next={url.replace('/', '%2F')}", url
    # A write is refused the same way, and nothing is made.
    response = client.post("/accounts/me/tokens/", {"name": "script"})
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not ApiToken.objects.filter(name="script").exists()
    # The API reads a session that owes its code as it reads nobody's.
    assert project_codes(client.get("/api/v1/projects")) == project_codes(Client().get("/api/v1/projects"))

    response = client.get(VERIFY + "?next=/projects/review/")
    assert response.status_code == 200
    response = client.post(VERIFY, {"code": app_code("secretaria"), "next": "/projects/review/"})
    assert response.status_code == 302 and response["Location"] == "/projects/review/"
    assert client.get("/projects/review/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=users["secretariat"]).persistent_id


def project_codes(response) -> list[str]:
    assert response.status_code == 200
    return [item["code"] for item in response.json()["items"]]


def test_the_api_still_takes_the_secretariat_token_without_a_session(client, users):
    from minga.accounts.services import api_token_create

    _token, key = api_token_create(user=users["secretariat"], name="script")
    seen = project_codes(client.get("/api/v1/projects", headers={"authorization": f"Bearer {key}"}))
    # The secretariat's token sees the projects under review, which the public does not.
    assert len(seen) > len(project_codes(Client().get("/api/v1/projects")))


def test_a_secretariat_without_an_app_is_sent_to_enrol_and_then_gets_recovery_codes(client, users, english):
    TOTPDevice.objects.filter(user=users["secretariat"]).delete()
    sign_in(client, "secretaria")
    response = client.get("/accounts/me/")
    assert response.status_code == 302 and response["Location"] == f"{ENROL}?next=%2Faccounts%2Fme%2F"
    assert client.get(VERIFY)["Location"] == f"{ENROL}?next=%2F"

    page = client.get(ENROL + "?next=/accounts/me/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=users["secretariat"], confirmed=False)
    text = page.content.decode()
    secret = twofactor.secret_base32(device)
    assert f'data-testid="two-factor-secret">{secret}<' in text
    assert (f"otpauth://totp/Minga%3Asecretaria?secret={secret}&amp;algorithm=SHA1&amp;digits=6&amp;period=30"
            "&amp;issuer=Minga") in text
    qr = text.split('data-testid="two-factor-qr">')[1].split("</div>")[0]
    # Markup only, no inline style or script: the Content-Security-Policy allows neither.
    assert qr.startswith("<svg") and qr.endswith("</svg>") and "style" not in qr and "script" not in qr
    # A wrong code confirms nothing.
    wrong = f"{(int(twofactor.totp_now(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong, "next": "/accounts/me/"})
    assert response.status_code == 400
    assert error_of(response) == "This code is not right. Type the six digits the app shows now."
    assert not TOTPDevice.objects.filter(user=users["secretariat"], confirmed=True).exists()
    assert client.get("/accounts/me/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(ENROL, {"code": twofactor.totp_now(device), "next": "/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == f"{RECOVERY}?next=%2Faccounts%2Fme%2F"
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=users["secretariat"])
                                   .values_list("token", flat=True))
    # Shown once.
    assert re.findall(r"<li><code>", client.get(RECOVERY).content.decode()) == []
    assert client.get("/accounts/me/").status_code == 200

    # At the next sign-in, the code is asked for.
    sign_in(client, "secretaria")
    assert client.get("/accounts/me/")["Location"] == f"{VERIFY}?next=%2Faccounts%2Fme%2F"


def test_a_wrong_code_is_refused_and_then_every_code_waits(client, settings, english):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, "secretaria")
    right = app_code("secretaria")
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 400
    assert error_of(response) == "This code is not right. Type the six digits the app shows now."
    # Throttled: even the right code is refused for a minute after one wrong one.
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 400
    assert error_of(response) == "Too many wrong codes. Wait 60 seconds and try again."
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/accounts/me/").status_code == 302
    assert TOTPDevice.objects.get(user__username="secretaria").throttling_failure_count == 1


def test_a_code_is_accepted_once(client, english):
    sign_in(client, "secretaria")
    code = app_code("secretaria")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    sign_in(client, "secretaria")
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 400
    assert error_of(response) == "This code is not right. Type the six digits the app shows now."


def test_a_recovery_code_works_once(client, users, english):
    codes = twofactor.recovery_codes_renew(user=users["secretariat"])
    sign_in(client, "secretaria")
    response = client.post(VERIFY, {"code": codes[0].upper(), "next": "/accounts/me/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"
    assert client.get("/accounts/me/").status_code == 200
    assert twofactor.recovery_codes_left(users["secretariat"]) == 9

    sign_in(client, "secretaria")
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 400
    assert error_of(response) == "This recovery code is not right, or it was used already."
    assert client.get("/accounts/me/").status_code == 302


def test_other_roles_may_enrol_from_their_account_page_and_then_give_a_code(client, users, english):
    sign_in(client, "focal.col")
    page = client.get("/accounts/me/").content.decode()
    assert "Off: signing in asks only for your password." in page
    assert f'href="{ENROL}"' in page
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=users["focal_col"], confirmed=False)
    assert client.post(ENROL, {"code": twofactor.totp_now(device)}).status_code == 302
    assert "On: signing in asks for a code from your authenticator app." in client.get("/accounts/me/").content.decode()

    sign_in(client, "focal.col")
    assert client.get("/accounts/me/")["Location"] == f"{VERIFY}?next=%2Faccounts%2Fme%2F"
    assert client.post(VERIFY, {"code": app_code("focal.col")}).status_code == 302
    assert client.get("/accounts/me/").status_code == 200


def test_replacing_the_app_needs_a_session_that_gave_its_code(client, users):
    sign_in(client, "secretaria")
    assert client.get(ENROL)["Location"] == f"{VERIFY}?next=%2F"
    assert not TOTPDevice.objects.filter(user=users["secretariat"], confirmed=False).exists()


def test_other_roles_sign_in_with_the_password_alone(client):
    sign_in(client, "observador")
    assert client.get("/accounts/me/").status_code == 200


@pytest.mark.parametrize(("minutes_ago", "signed_in"), [(29, True), (31, False)])
def test_an_idle_session_ends(client_as, users, minutes_ago, signed_in):
    client = client_as(users["focal_col"])
    session = client.session
    session[twofactor.SEEN_SESSION_KEY] = int(time.time()) - minutes_ago * 60
    session.save()
    response = client.get("/accounts/me/")
    if signed_in:
        assert response.status_code == 200
        # The request was seen: the clock starts again.
        assert int(time.time()) - client.session[twofactor.SEEN_SESSION_KEY] < 5
    else:
        assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Faccounts%2Fme%2F"
        assert "_auth_user_id" not in client.session
        assert client.get("/accounts/me/")["Location"] == "/accounts/login/?next=/accounts/me/"


def test_the_idle_time_comes_from_the_settings(client_as, users, settings):
    settings.MINGA_SESSION_IDLE_MINUTES = 5
    client = client_as(users["secretariat"])
    session = client.session
    session[twofactor.SEEN_SESSION_KEY] = int(time.time()) - 6 * 60
    session.save()
    assert client.get("/projects/review/")["Location"] == "/accounts/login/?next=%2Fprojects%2Freview%2F"


def test_demo_code_prints_the_demo_secretariat_code_outside_production(users, settings):
    output = StringIO()
    call_command("demo_code", stdout=output)
    assert output.getvalue().strip() == app_code("secretaria")
    with pytest.raises(CommandError, match=r"^focal\.col has no demo two-factor device \(load the demo with `minga demo`\)\.$"):
        call_command("demo_code", "focal.col")
    settings.MINGA_ENV = "production"
    with pytest.raises(CommandError, match="does not run with MINGA_ENV=production"):
        call_command("demo_code")


def test_an_idle_htmx_request_loads_the_sign_in_page_whole(client_as, users):
    client = client_as(users["focal_col"])
    session = client.session
    session[twofactor.SEEN_SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/accounts/me/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Faccounts%2Fme%2F"


def test_minga_demo_prints_the_demo_key_as_demo_only():
    output = StringIO()
    call_command("demo", stdout=output)
    assert output.getvalue().splitlines()[-1] == (
        f"two-factor code of the secretariat (DEMO ONLY, never in production): add the key {DEMO_TOTP_SECRET} "
        "to an authenticator app, or print the current code with `minga demo_code`.")


def test_an_app_removed_from_an_optional_account_no_longer_holds_it_up(client, users):
    device = twofactor.enrolment_device(users["observer"])
    twofactor.enrolment_confirm(user=users["observer"], device=device, code=twofactor.totp_now(device))
    sign_in(client, "observador")
    assert client.get("/accounts/me/")["Location"] == f"{VERIFY}?next=%2Faccounts%2Fme%2F"
    TOTPDevice.objects.filter(user=users["observer"]).delete()  # a superuser removes it in the admin
    assert client.get("/accounts/me/").status_code == 200
    # The secretariat's rule does not bend: without an app it must enrol.
    TOTPDevice.objects.filter(user=users["secretariat"]).delete()
    sign_in(client, "secretaria")
    assert client.get("/accounts/me/")["Location"] == f"{ENROL}?next=%2Faccounts%2Fme%2F"
