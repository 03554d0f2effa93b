from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from minga.accounts import services, twofactor
from minga.accounts.models import ApiToken


@login_required
def me(request):
    return render(request, "accounts/me.html", {
        "grants": request.user.grants.filter(revoked_at__isnull=True).select_related("country", "organisation"),
        "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
        "new_key": request.session.pop("minga_new_token", None),
        "two_factor": twofactor.has_device(request.user),
        "two_factor_required": twofactor.is_required(request.user),
    })


@login_required
@require_POST
def token_create(request):
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("Give the token a name, e.g. the script that will use it."))
        return redirect("accounts:me")
    _token, key = services.api_token_create(user=request.user, name=name[:100])
    # Shown once on the next page, then gone: only its hash is stored.
    request.session["minga_new_token"] = key
    return redirect("accounts:me")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, user=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:me")


# --- Two-factor authentication (docs/access.md) --------------------------------------------------------------


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _signed_in_with_device(request, device):
    django_otp.login(request, device)
    request.session.pop(twofactor.PENDING_SESSION_KEY, None)
    # A new session key after the second factor, as after the password.
    request.session.cycle_key()


@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.has_device(request.user):
        return redirect(f"{reverse('accounts:two_factor_enrol')}?{urlencode({'next': _next_url(request)})}")
    error = ""
    if request.method == "POST":
        device, error = twofactor.verify(user=request.user, code=request.POST.get("code", ""))
        if device is not None:
            _signed_in_with_device(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(request, ngettext(
                    "You signed in with a recovery code; %(count)d code is left.",
                    "You signed in with a recovery code; %(count)d codes are left.",
                    twofactor.recovery_codes_left(request.user)) % {"count": twofactor.recovery_codes_left(request.user)})
            return redirect(_next_url(request))
    return render(request, "accounts/two_factor_verify.html",
                  {"error": error, "next": _next_url(request)}, status=200 if not error else 400)


@login_required
def two_factor_enrol(request):
    """Set up an authenticator app: scan the QR code (or type the secret), then confirm with its code.

    Anyone may enrol; the secretariat must. Replacing an app needs a session that gave its code already."""
    if twofactor.has_device(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    device = twofactor.enrolment_device(request.user)
    error = ""
    if request.method == "POST":
        done, error, codes = twofactor.enrolment_confirm(user=request.user, device=device,
                                                         code=request.POST.get("code", ""))
        if done:
            device.confirmed = True
            _signed_in_with_device(request, device)
            request.session[twofactor.NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(f"{reverse('accounts:two_factor_recovery')}?{urlencode({'next': _next_url(request)})}")
    uri = device.config_url
    return render(request, "accounts/two_factor_enrol.html", {
        "uri": uri, "secret": twofactor.secret_base32(device), "qr": mark_safe(twofactor.qr_svg(uri)),  # noqa: S308 -- SVG made by qrcode from our own URI
        "error": error, "next": _next_url(request),
        "required": twofactor.is_required(request.user),
    }, status=200 if not error else 400)


@login_required
def two_factor_recovery(request):
    """Recovery codes: shown once after they are made; a POST makes new ones (the old stop working)."""
    if not request.user.is_verified():
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
    if request.method == "POST":
        request.session[twofactor.NEW_CODES_SESSION_KEY] = twofactor.recovery_codes_renew(user=request.user)
        return redirect("accounts:two_factor_recovery")
    return render(request, "accounts/two_factor_recovery.html", {
        "codes": request.session.pop(twofactor.NEW_CODES_SESSION_KEY, None),
        "left": twofactor.recovery_codes_left(request.user),
        "next": _next_url(request),
    })
