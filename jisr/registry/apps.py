from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "jisr.registry"
    label = "registry"
    verbose_name = _("Social registry")

    def ready(self) -> None:
        from jisr.registry import tasks  # noqa: F401  (registers the background jobs)
