"""The project's URLs with the ledger pages mounted, until anju/urls.py includes them."""

from django.urls import include, path

from anju.urls import urlpatterns as base

urlpatterns = [*base, path("disputes/ledger/", include("anju.disputes.ledger_urls"))]
