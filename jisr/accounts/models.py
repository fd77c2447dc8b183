"""Users (with their access scope and lockout state) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.core.access import Scope


class User(AbstractUser):
    scope_national = models.BooleanField(
        _("national scope"),
        default=False,
        help_text=_(
            "Reaches records in every region. Otherwise only the regions and communes below."
        ),
    )
    scope_regions = models.ManyToManyField(
        "geo.Region", blank=True, related_name="+", verbose_name=_("regions in scope")
    )
    scope_communes = models.ManyToManyField(
        "geo.Commune", blank=True, related_name="+", verbose_name=_("communes in scope")
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        blank=True,
        choices=[("ar", "العربية"), ("fr", "Français"), ("en", "English")],
    )
    failed_logins = models.PositiveIntegerField(_("failed logins in a row"), default=0)
    first_failed_login_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def access_scope(self) -> Scope:
        cached: Scope | None = getattr(self, "_access_scope", None)
        if cached is None:
            if not self.pk:
                cached = Scope()
            else:
                cached = Scope(
                    national=self.scope_national,
                    regions=frozenset(self.scope_regions.values_list("code", flat=True)),
                    communes=frozenset(self.scope_communes.values_list("code", flat=True)),
                )
            self._access_scope = cached
        return cached

    def is_locked(self, now: object = None) -> bool:
        moment = now or timezone.now()
        return self.locked_until is not None and self.locked_until > moment  # type: ignore[operator]

    @property
    def role_names(self) -> list[str]:
        return list(self.groups.order_by("name").values_list("name", flat=True))


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user.username} {self.prefix}…"
