from django.urls import path

from jisr.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("<str:rsu_id>/", views.household_detail, name="household_detail"),
]
