from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jisr.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from jisr.accounts import roles, signals  # noqa: F401  (connects the signal receivers)

        post_migrate.connect(roles.sync_after_migrate, dispatch_uid="jisr.accounts.roles_sync")
