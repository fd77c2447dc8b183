from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DciConfig(AppConfig):
    name = "jisr.dci"
    label = "dci"
    verbose_name = _("DCI interoperability")

    def ready(self) -> None:
        from jisr.dci import tasks  # noqa: F401  (registers the job handlers)
