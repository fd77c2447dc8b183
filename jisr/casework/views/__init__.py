"""The casework pages, by family: the caseload and lists (`caseload`), a case and its timeline
(`case`), the forms a case page posts (`case_actions`), the supervisor's team and outreach
(`team`), the partner's referrals (`referrals`).

Thin: selectors read (and log every access to a case), services decide; a refused step shows the
service's own message. Whoever may not see a case gets 404, as from the API.
"""

from jisr.casework.views.case import case_page
from jisr.casework.views.case_actions import case_action
from jisr.casework.views.caseload import case_list, case_open, caseload
from jisr.casework.views.referrals import referral_action, referral_inbox, referral_page
from jisr.casework.views.team import outreach, outreach_action, outreach_dismiss, team

__all__ = [
    "case_action",
    "case_list",
    "case_open",
    "case_page",
    "caseload",
    "outreach",
    "outreach_action",
    "outreach_dismiss",
    "referral_action",
    "referral_inbox",
    "referral_page",
    "team",
]
