"""The site's addresses and one page that fails, for the log test of a 5xx."""

from django.urls import path

from anju.urls import handler500, urlpatterns


def broken(request):
    raise RuntimeError("the fault")


urlpatterns = [*urlpatterns, path("broken/", broken)]
__all__ = ["handler500", "urlpatterns"]
