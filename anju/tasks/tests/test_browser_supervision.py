"""The tips and supervision pages in a browser at a phone's and a desktop's width: each opens, none
scrolls sideways, and each is kept in docs/screenshots for a person to read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.accounts.choices import Role
from anju.demo import testing
from anju.site.tests.browsing import (  # noqa: F401
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    _page,
    browser,
    site,
    skip_without_browser,
)

pytestmark = skip_without_browser


def _more_work(cast) -> None:
    """A second tip, past its deadline, so the queue shows a red card beside the cast's; a
    department with a task, so the departments page has one to show."""
    from anju.tasks import actions as task_actions
    from anju.tasks.departments import add_department
    from anju.tips import actions
    from anju.tips.models import Tip

    officer = cast.officer_a
    late = actions.register_tip(
        officer,
        region=cast.region(testing.VILLAGE_A2),
        source_kind="hotline",
        received_on=timezone.localdate() - dt.timedelta(days=40),
        content="反映甲二村有人强揽工程",
        subject_name="某工程队",
        anonymous=True,
    )
    actions.assign(officer, late, unit=testing.TOWNSHIP_A, handler=officer)
    Tip.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    police = add_department(cast.admin, county=cast.region(testing.COUNTY), name="县公安局")
    add_department(cast.admin, county=cast.region(testing.COUNTY), name="县司法局")
    centre = testing.add_staff("centre", "县综治中心", Role.CENTRE_OPERATOR, testing.COUNTY)
    task_actions.assign_task(
        centre,
        assigner_unit=cast.region(testing.COUNTY),
        unit=police.unit,
        title="开展打击整治专项行动",
        description="县公安局牵头，各乡镇配合。",
        deadline=timezone.localdate() + dt.timedelta(days=20),
        origin="instruction",
    )


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_tips_and_supervision_pages_fit_the_screen(browser, site, cast, size, viewport):  # noqa: F811
    _more_work(cast)
    tip, task, report = cast.tip(), cast.task(), cast.report()
    pages = {
        "officer_a": [
            ("tip-queue", "/tips/mine/"),
            ("tips", "/tips/"),
            ("tip", f"/tips/{tip.pk}/"),
            ("matter-report", f"/tasks/reports/{report.pk}/"),
        ],
        "mediator_a1": [("tasks-mine", "/tasks/mine/"), ("task", f"/tasks/{task.pk}/")],
        "leader": [("departments", "/tasks/departments/")],
    }
    # One browser context per person: their pages share its cache of the site's styles and scripts.
    for user, paths in pages.items():
        page = _page(browser, site, cast.user(user), viewport)
        for name, path in paths:
            response = page.goto(site + path)
            assert response.status == 200, (name, response.status)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], (name, size)
        page.context.close()
