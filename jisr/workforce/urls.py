from django.urls import path

from jisr.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.worker_list, name="worker_list"),
    path("me/", views.my_profile, name="my_profile"),
    path("expiring/", views.expiring, name="expiring"),
    path("indicators/", views.indicators, name="indicators"),
    path("workers/<int:profile_id>/", views.worker_detail, name="worker_detail"),
    path(
        "workers/<int:profile_id>/accreditation/<str:action>/",
        views.accreditation_action,
        name="accreditation_action",
    ),
    path("workers/<int:profile_id>/training/", views.training_add, name="training_add"),
    path("workers/<int:profile_id>/supervision/", views.supervision_add, name="supervision_add"),
]
