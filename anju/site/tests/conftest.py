"""The browser tests' fixtures (browsing.py), and a screenshot of each page a failed test had open."""

import pytest

from .browsing import browser, screenshot_open_pages, site

__all__ = ["browser", "site"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and call.when == "call" and "browser" in getattr(item, "funcargs", {}):
        saved = screenshot_open_pages(item.funcargs["browser"], item.nodeid.split("::", 1)[-1])
        if saved:
            report.sections.append(("screenshots", "\n".join(str(p) for p in saved)))
    return report
