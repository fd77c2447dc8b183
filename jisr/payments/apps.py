from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "jisr.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from jisr.payments import tasks  # noqa: F401  (the payment jobs)
