from django.urls import path

from jisr.programmes import views

app_name = "programmes"
urlpatterns = [
    path(
        "households/<str:rsu_id>/explain/<str:month>/",
        views.household_explain,
        name="household_explain",
    ),
]
