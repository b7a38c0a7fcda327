"""A URL list with one view that forgot `visible_to`, to show the walker's checks catch it."""

from django.http import HttpResponse
from django.urls import path

from anju.core.views import role_required
from anju.regions.models import Region


@role_required("region.view")
def leaky_region(request, code):
    region = Region.objects.get(code=code)  # the bug under test: no visible_to
    return HttpResponse(region.name)


urlpatterns = [path("leaky/<str:code>/", leaky_region, name="leaky")]
