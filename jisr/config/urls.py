from django.contrib import admin
from django.urls import include, path

from jisr.accounts.views import LoginView, LogoutView
from jisr.config.api import api
from jisr.dci.api import api as dci_api
from jisr.web import views as web

urlpatterns = [
    path("", web.home, name="home"),
    path("healthz", web.healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", web.language_set, name="set_language"),
    path("audit/", web.audit_log, name="audit_log"),
    path("jobs/<int:job_id>/", web.job_detail, name="job_detail"),
    path("households/", include("jisr.registry.urls")),
    path("programmes/", include("jisr.programmes.urls")),
    path("payments/", include("jisr.payments.urls")),
    path("workforce/", include("jisr.workforce.urls")),
    path("partners/", include("jisr.partners.urls")),
    path("cases/", include("jisr.casework.urls")),
    path("api/v1/", api.urls),
    path("api/dci/", dci_api.urls),
    path("admin/", admin.site.urls),
]
