"""The demo county, `anju seed`, `anju demo` and the test cast. It stands on every app and nothing
stands on it, apart from the tests."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "anju.demo"
    label = "demo"
    verbose_name = "demo"
