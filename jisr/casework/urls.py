from django.urls import path

from jisr.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("all/", views.case_list, name="case_list"),
    path("open/", views.case_open, name="case_open"),
    path("<int:case_id>/", views.case_page, name="case_page"),
    path("<int:case_id>/<slug:action>/", views.case_action, name="case_action"),
    path("referrals/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<int:referral_id>/", views.referral_page, name="referral_page"),
    path(
        "referrals/<int:referral_id>/<slug:action>/",
        views.referral_action,
        name="referral_action",
    ),
    path("team/", views.team, name="team"),
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/<int:item_id>/dismiss/", views.outreach_dismiss, name="outreach_dismiss"),
    path("outreach/<slug:action>/", views.outreach_action, name="outreach_action"),
]
