from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "jisr.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from jisr.programmes import receivers, tasks  # noqa: F401  (jobs and the registry hook)
