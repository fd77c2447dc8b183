from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "jisr.casework"
    label = "casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from jisr.casework import tasks  # noqa: F401  (the outreach job)
