from django.urls import path

from jisr.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:cycle_id>/files/<int:file_id>/", views.file_download, name="file_download"),
    path("cycles/<int:cycle_id>/<str:action>/", views.cycle_action, name="cycle_action"),
]
