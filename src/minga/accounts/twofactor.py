"""Two-factor authentication: TOTP devices (an authenticator app) and recovery codes (static tokens).

Built on django-otp: ``django_otp.plugins.otp_totp`` holds the app's secret, ``otp_static`` the
single-use recovery codes; both throttle wrong codes (factor * 2^(n-1) seconds after n failures).
Who must give a code, and when, is in docs/access.md ("Two-factor authentication").
"""

import re
import time
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from minga.accounts import permissions
from minga.accounts.models import User

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"
# Session keys: the password was given and a code is still owed; the time of the last request seen.
PENDING_SESSION_KEY = "minga_otp_pending"
SEEN_SESSION_KEY = "minga_seen"
# Recovery codes made a moment ago, shown once on the next page.
NEW_CODES_SESSION_KEY = "minga_new_recovery_codes"


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user: User) -> bool:
    """The secretariat can change everything: it must use a second factor; other roles may."""
    return permissions.actor_for(user).is_secretariat


# --- Enrolment -----------------------------------------------------------------------------------------------


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment page shows; one per user, made on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as SVG markup (a path, no inline style: the CSP allows it)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


@transaction.atomic
def enrolment_confirm(*, user: User, device: TOTPDevice, code: str) -> tuple[bool, str, list[str]]:
    """Confirm ``device`` with a code from the app: it replaces any earlier app, and new recovery codes
    replace the old ones. Returns (done, error message, the new recovery codes)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    allowed, error = _allowed(device)
    if not allowed:
        return False, error, []
    if not device.verify_token(_digits(code)):
        return False, _("This code is not right. Type the six digits the app shows now."), []
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True, "", recovery_codes_renew(user=user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Shown once: they are stored as given."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def demo_device(*, user: User, secret_base32: str) -> TOTPDevice:
    """A confirmed device with a published secret: for the demo's accounts only (site/demo.py)."""
    from base64 import b32decode

    device = confirmed_totp(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True,
                                           key=b32decode(secret_base32).hex())
    return device


# --- Verification --------------------------------------------------------------------------------------------


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _allowed(device) -> tuple[bool, str]:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return True, ""
    locked_until = (details or {}).get("locked_until")
    seconds = max(1, int((locked_until - timezone.now()).total_seconds() + 0.999)) if locked_until else 1
    return False, ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.", seconds) % {"seconds": seconds}


@transaction.atomic
def verify(*, user: User, code: str) -> tuple[TOTPDevice | StaticDevice | None, str]:
    """Check a code from the app (six digits) or a recovery code (used up by this).

    Returns the device that accepted it, or None and the message to show. Wrong codes are counted on
    the device they were meant for, which then refuses every code for a while (throttling).
    """
    code = _digits(code)
    if re.fullmatch(r"\d{6}", code):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        wrong = _("This code is not right. Type the six digits the app shows now.")
    else:
        code = code.replace("-", "").lower()
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        wrong = _("This recovery code is not right, or it was used already.")
    if device is None:
        return None, wrong
    allowed, error = _allowed(device)
    if not allowed:
        return None, error
    if not device.verify_token(code):
        return None, wrong
    return device, ""


def totp_now(device: TOTPDevice, at: float | None = None) -> str:
    """The code the app would show (for tests and ``minga demo_code``), one the device has not seen yet."""
    from django_otp.oath import TOTP

    now = at if at is not None else time.time()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = now
    # The device accepts the steps around now (its tolerance) after the last one it accepted. The current
    # step first, the next one if the current is used or about to end (it must still hold when checked),
    # the previous one last (it lapses first).
    ending = (now - device.t0) % device.step > device.step - 3
    for offset in (1, 0, -1) if ending else (0, 1, -1):
        if abs(offset) > device.tolerance:
            continue
        totp.drift = device.drift + offset
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    return ""
