"""The site: the shell every page sits in, the home page and the error pages. It stands above every app."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "anju.site"
    label = "site"
    verbose_name = "site"
