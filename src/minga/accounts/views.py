from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.accounts import services
from minga.accounts.models import ApiToken


@login_required
def me(request):
    return render(request, "accounts/me.html", {
        "grants": request.user.grants.filter(revoked_at__isnull=True).select_related("country", "organisation"),
        "tokens": request.user.api_tokens.filter(revoked_at__isnull=True),
        "new_key": request.session.pop("minga_new_token", None),
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
