"""People and what they may do: users hold role grants, each grant scoped to a country or an organisation."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minga.reference.models import Country, Organisation


class User(AbstractUser):
    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, blank=True,
        choices=[("es", "Español"), ("pt-br", "Português"), ("en", "English")],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Technical Secretariat")
    COUNTRY_FOCAL_POINT = "country_focal_point", _("Country focal point")
    LOCAL_GOVERNMENT_OFFICER = "local_government_officer", _("Local-government officer")
    DONOR_OFFICER = "donor_officer", _("Donor officer")
    OBSERVER = "observer", _("Reviewer / observer")


# Which scope each role must carry: one country, one organisation, or none.
ROLE_SCOPE = {
    Role.SECRETARIAT: None,
    Role.COUNTRY_FOCAL_POINT: "country",
    Role.LOCAL_GOVERNMENT_OFFICER: "organisation",
    Role.DONOR_OFFICER: "organisation",
    Role.OBSERVER: None,
}


class RoleGrant(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    country = models.ForeignKey(Country, verbose_name=_("country"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    granted_by = models.ForeignKey(User, verbose_name=_("granted by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "country", "organisation"], name="role_grant_unique",
                condition=models.Q(revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        scope = self.country or self.organisation
        return f"{self.get_role_display()} — {scope}" if scope else self.get_role_display()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def clean(self):
        super().clean()
        if self.role not in Role.values:
            return  # clean_fields reports an unknown role; there is no scope to check
        scope = ROLE_SCOPE[Role(self.role)]
        errors = {}
        if scope == "country" and not self.country_id:
            errors["country"] = _("A country focal point is scoped to one country.")
        if scope == "organisation" and not self.organisation_id:
            errors["organisation"] = _("This role is scoped to one organisation.")
        if scope != "country" and self.country_id:
            errors["country"] = _("This role is not scoped to a country.")
        if scope != "organisation" and self.organisation_id:
            errors["organisation"] = _("This role is not scoped to an organisation.")
        if (self.role == Role.LOCAL_GOVERNMENT_OFFICER and self.organisation_id
                and self.organisation.organisation_type != "11"):
            errors["organisation"] = _("A local-government officer belongs to a local government.")
        if errors:
            raise ValidationError(errors)


class ApiToken(models.Model):
    """A bearer token for scripts. Only a hash is stored; the token is shown once, when made."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # Tokens are long random strings, so a fast hash is enough (no dictionary to guess from).
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "mg_" + secrets.token_urlsafe(32)
