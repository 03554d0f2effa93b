"""The rules a signed-in session lives by: it ends after an idle period, and it does nothing but give its
second factor (or enrol one) until it has. Runs after django-otp's OTPMiddleware (request.user.is_verified)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from minga.accounts import twofactor

# Pages a session that still owes its second factor may open.
OPEN_WHILE_PENDING = {"accounts:two_factor_verify", "accounts:two_factor_enrol", "accounts:logout", "set_language"}
# The time of the last request is written at most this often: not every request writes the session.
SEEN_PRECISION_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="minga_session_start")
def _session_start(sender, request, user, **kwargs):
    """At sign-in with a password: note the time, and whether a code is owed (the user has an app)."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[twofactor.SEEN_SESSION_KEY] = int(time.time())
    if getattr(user, "otp_device", None) is None and twofactor.has_device(user):
        request.session[twofactor.PENDING_SESSION_KEY] = True


def _redirect(request, url):
    # An htmx request swaps a fragment: tell htmx to load the whole page instead (HtmxMiddleware runs later).
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _next(request) -> str:
    return urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""


class SessionRulesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            response = self._idle(request) or self._second_factor(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _idle(self, request):
        now = int(time.time())
        seen = request.session.get(twofactor.SEEN_SESSION_KEY)
        if seen is not None and now - seen > settings.MINGA_SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(request, _("You were signed out after %(minutes)d minutes without activity.")
                          % {"minutes": settings.MINGA_SESSION_IDLE_MINUTES})
            return _redirect(request, f"{reverse('accounts:login')}?{_next(request)}")
        if seen is None or now - seen >= SEEN_PRECISION_SECONDS:
            request.session[twofactor.SEEN_SESSION_KEY] = now
        return None

    def _second_factor(self, request):
        user = request.user
        if user.is_verified():
            return None
        if not request.session.get(twofactor.PENDING_SESSION_KEY) and not twofactor.is_required(user):
            return None
        if request.path.startswith("/api/"):
            # The API acts for an unverified session as for nobody; tokens are checked on their own.
            request.user = AnonymousUser()
            return None
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = None
        if name in OPEN_WHILE_PENDING:
            return None
        has_device = twofactor.has_device(user)
        if not has_device and not twofactor.is_required(user):
            # The app was removed (in the admin) from an account that may do without one.
            request.session.pop(twofactor.PENDING_SESSION_KEY, None)
            return None
        target = "accounts:two_factor_verify" if has_device else "accounts:two_factor_enrol"
        query = _next(request)
        return _redirect(request, reverse(target) + (f"?{query}" if query else ""))
