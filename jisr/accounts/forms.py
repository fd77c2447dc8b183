from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _(
            "This account is locked after too many failed logins. Try again after %(until)s, "
            "or ask an administrator to unlock it."
        ),
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            until = getattr(self.request, "jisr_locked_until", None)
            if until is not None:
                shown = formats.time_format(timezone.localtime(until), "H:i")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": shown}
                ) from None
            raise
