"""Writes about people: role grants and API tokens. Only the secretariat grants roles."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.accounts import permissions
from minga.accounts.models import ApiToken, Role, RoleGrant, User


def _require_secretariat(user):
    if user is not None and not permissions.actor_for(user).is_secretariat:
        raise PermissionDenied(_("Only the Technical Secretariat gives or takes back roles."))


@transaction.atomic
def role_grant(*, user: User, role: Role | str, granted_by: User | None, country=None, organisation=None) -> RoleGrant:
    """Give ``user`` a role; ``granted_by=None`` is the set-up itself (demo data, first secretariat)."""
    _require_secretariat(granted_by)
    existing = RoleGrant.objects.filter(
        user=user, role=role, country=country, organisation=organisation, revoked_at__isnull=True).first()
    if existing:
        return existing
    grant = RoleGrant(user=user, role=role, country=country, organisation=organisation, granted_by=granted_by)
    grant.full_clean()
    grant.save()
    permissions.forget(user)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, revoked_by: User) -> RoleGrant:
    _require_secretariat(revoked_by)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
    permissions.forget(grant.user)
    return grant


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token record and the key, which is shown this once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken(user=user, name=name.strip(), prefix=key[3:11], key_hash=ApiToken.hash_key(key))
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    if token.user_id != user.pk and not permissions.actor_for(user).is_secretariat:
        raise PermissionDenied(_("This token belongs to someone else."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(key: str) -> User | None:
    if not key or not key.startswith("mg_"):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Recording every use would write on each request; once a minute is enough to tell stale tokens.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
