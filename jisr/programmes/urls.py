from django.urls import path

from jisr.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.overview, name="overview"),
    path(
        "enrolments/<int:enrolment_id>/<str:action>/",
        views.enrolment_action,
        name="enrolment_action",
    ),
    path(
        "households/<str:rsu_id>/explain/<str:month>/",
        views.household_explain,
        name="household_explain",
    ),
]
