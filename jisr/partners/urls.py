from django.urls import path

from jisr.partners import views

app_name = "partners"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("hsds.json", views.directory_export, name="directory_export"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("organizations/<uuid:organization_id>/", views.organization, name="organization"),
    path(
        "organizations/<uuid:organization_id>/agreements/new/",
        views.agreement_new,
        name="organization_agreement_new",
    ),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:agreement_id>/", views.agreement, name="agreement"),
    path(
        "agreements/<int:agreement_id>/remove/<str:kind>/<int:item_id>/",
        views.draft_item_remove,
        name="draft_item_remove",
    ),
    path("agreements/<int:agreement_id>/<str:step>/", views.agreement_step, name="agreement_step"),
    path("tranches/<int:tranche_id>/<str:action>/", views.tranche_action, name="tranche_action"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/due/<int:due_id>/", views.report_form, name="report_form"),
    path("reports/<int:report_id>/return/", views.report_return, name="report_return"),
]
