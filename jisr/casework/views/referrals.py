"""The partner's referrals: the inbox of those sent to their organisation and one referral, in the
limited view only (what the person's consent lets the partner see, never the case); accept,
reject, complete."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jisr.accounts.models import User
from jisr.accounts.roles import HANDLE_REFERRAL
from jisr.casework import access as case_access
from jisr.casework import selectors, services
from jisr.casework.models import Referral, ReferralStatus
from jisr.casework.views._common import Done, carry_out, user_of
from jisr.core import access
from jisr.core.errors import AccessDenied, NotFound
from jisr.geo import selectors as geo
from jisr.partners import selectors as partners


@login_required
def referral_inbox(request: HttpRequest) -> HttpResponse:
    """Partner staff: the referrals sent to their organisation, in the limited view only."""
    user = user_of(request)
    if not access.has_action(user, HANDLE_REFERRAL):
        raise AccessDenied(permission=HANDLE_REFERRAL)
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    rows = [
        (selectors.referral_limited(r), r.service)
        for r in selectors.referral_inbox(user=user, status=status)
    ]
    context = {
        "rows": rows,
        "status": status,
        "statuses": ReferralStatus.choices,
        "organization": partners.user_organization(user=user),
    }
    return render(request, "casework/referral_inbox.html", context)


@login_required
def referral_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    view = selectors.referral_view(user=user_of(request), referral_id=referral_id)
    service = partners.service_get(service_id=uuid.UUID(view["service"]))
    # The snapshot keeps the commune's code (what was shared); its name, public data, is read in
    # the reader's language.
    code = view["shared"].get("commune")
    commune = geo.commune_get(code=code) if code else None
    context = {"referral": view, "service": service, "commune": commune}
    return render(request, "casework/referral.html", context)


def _accept(user: User, referral: Referral, text: str) -> Done:
    services.referral_answer(actor=user, referral=referral, accept=True)
    return Done(_("Referral accepted."))


def _reject(user: User, referral: Referral, text: str) -> Done:
    services.referral_answer(actor=user, referral=referral, accept=False, reason=text)
    return Done(_("Referral rejected."))


def _complete(user: User, referral: Referral, text: str) -> Done:
    services.referral_complete(actor=user, referral=referral, outcome=text)
    return Done(_("Referral completed."))


REFERRAL_ACTIONS: dict[str, Callable[[User, Referral, str], Done]] = {
    "accept": _accept,
    "reject": _reject,  # with the reason
    "complete": _complete,  # with what was done
}


@login_required
@require_POST
def referral_action(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    user = user_of(request)
    referral = case_access.referral_require(user, referral_id)
    handler = REFERRAL_ACTIONS.get(action)
    if handler is None:
        raise NotFound()
    carry_out(request, lambda: handler(user, referral, request.POST.get("text", "")))
    return redirect("casework:referral_page", referral_id=referral_id)
