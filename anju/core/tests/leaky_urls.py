"""A URL list of faulty views, to show the walker's checks catch them: one forgot `visible_to`,
one is a page that refuses GET without saying it is POST-only. `acts` is the correct twin."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from anju.core.views import post_only, role_required
from anju.regions.models import Region


@role_required("region.view")
def leaky_region(request, code):
    region = Region.objects.get(code=code)  # the bug under test: no visible_to
    return HttpResponse(region.name)


@require_POST  # the bug under test: a page people open, behind a POST-only gate
@role_required("region.view")
def refuses_get(request):
    return HttpResponse("ok")


@post_only
@role_required("region.view")
def acts(request):
    return HttpResponse("done")


urlpatterns = [
    path("leaky/<str:code>/", leaky_region, name="leaky"),
    path("refuses-get/", refuses_get, name="refuses_get"),
    path("acts/", acts, name="acts"),
]
