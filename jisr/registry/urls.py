from django.urls import path

from jisr.registry import views, views_import

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<int:job_id>/errors.csv", views_import.import_report, name="import_report"),
    path("reviews/change-requests/", views.change_request_queue, name="change_request_queue"),
    path("reviews/duplicates/", views.duplicate_queue, name="duplicate_queue"),
    path("persons/<str:rnp_id>/", views.person_detail, name="person_detail"),
    path("<str:rsu_id>/", views.household_detail, name="household_detail"),
    path("<str:rsu_id>/declare/<slug:slug>/", views.declare, name="declare"),
]
