"""The project's URLs with the reports page and API wired, for this app's tests.

Once anju/urls.py and anju/api.py wire the app themselves, this is the project's own list and the
tests go through the real wiring; until then it mounts the page and the router the same way."""

from django.urls import NoReverseMatch, include, path, reverse
from ninja import NinjaAPI

from anju import urls as project
from anju.core.api import signed_in_auth
from anju.reports.api import router


def _wired(name: str) -> bool:
    try:
        reverse(name, urlconf=project)
    except NoReverseMatch:
        return False
    return True


urlpatterns = list(project.urlpatterns)
if not _wired("reports:disputes"):
    urlpatterns.append(path("reports/", include("anju.reports.urls")))
if not _wired("api:reports_disputes"):
    test_api = NinjaAPI(urls_namespace="reports-test-api", auth=signed_in_auth, docs_url=None)
    test_api.add_router("/reports", router)
    urlpatterns.insert(0, path("api/", test_api.urls))
