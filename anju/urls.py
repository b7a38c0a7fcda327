from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from anju.accounts.views import LoginView, login_code, login_enrol
from anju.api import api
from anju.core import views as core_views
from anju.site import components
from anju.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links; answering it keeps the logs free of 404s.
    path("favicon.ico", RedirectView.as_view(url=static("anju/favicon.svg"), permanent=True)),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/login/code/", login_code, name="login_code"),
    path("accounts/login/enrol/", login_enrol, name="login_enrol"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/notifications/", include("anju.notify.urls")),
    path("accounts/", include("anju.accounts.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regions/", include("anju.regions.urls")),
    path("disputes/ledger/", include("anju.disputes.ledger_urls")),
    path("disputes/", include("anju.disputes.urls")),
    path("tips/", include("anju.tips.urls")),
    path("tasks/", include("anju.tasks.urls")),
    path("events/", include("anju.events.urls")),
    path("open311/v2/", include("anju.open311.urls")),
    path("calendar/", include("anju.worktime.urls")),
    path("reports/", include("anju.reports.urls")),
    path("staff/", include("anju.accounts.urls")),
    path("audit/", include("anju.audit.urls")),
    path("site/components/", components.components_page, name="site_components"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

handler500 = "anju.site.errors.server_error"
