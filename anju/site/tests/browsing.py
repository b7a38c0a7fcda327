"""What the browser tests share: the site served in a thread on the test's own database connection,
the system's Chromium, a page signed in as a cast member, and a screenshot of every open page when
a test fails (see conftest.py).

The server runs in a thread on the test's own database connection, so the pages see the cast and the
test's data without a transactional test (which would empty the tables other tests rely on)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIServer
from django.db import close_old_connections, connections
from django.test import Client

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright import sync_api as playwright_api
except ImportError:  # the tests that need it skip
    playwright_api = None
skip_without_browser = pytest.mark.skipif(
    CHROMIUM is None or playwright_api is None,
    reason="no Chromium or no playwright installed (apt-get install chromium; pip install playwright)",
)

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "docs" / "screenshots"
# A failed browser test leaves a screenshot of each page it had open here (ignored by git; CI
# keeps the folder as an artefact).
FAILURES = ROOT / "test-failures"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 768}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


# The server and the test share one connection: a page's late requests (an attachment's picture
# still loading) must not run while the test thread signs the next user in on it (a savepoint of
# one was released by the other: "savepoint does not exist").
DATABASE = threading.Lock()


class _OneAtATime:
    """The site, each request answered whole (its body read out and closed) under DATABASE."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        with DATABASE:
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        return [body]


class _Server(threading.Thread):
    """One request at a time, on the test's connection: the browser waits for each page, and the
    test does not touch the database while it does."""

    def __init__(self, connection):
        super().__init__(daemon=True)
        self.connection = connection
        self.ready = threading.Event()

    def run(self):
        connections["default"] = self.connection
        self.httpd = WSGIServer(("127.0.0.1", 0), _QuietHandler, ipv6=False)
        self.httpd.set_app(_OneAtATime(StaticFilesHandler(WSGIHandler())))
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.ready.set()
        self.httpd.serve_forever(poll_interval=0.1)


@pytest.fixture
def site(db, settings):
    settings.ANJU_COUNTY_NAME = "测试县"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    connection = connections["default"]
    connection.inc_thread_sharing()
    # The request cycle closes "old" connections; this one is the test's, inside its transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    server = _Server(connection)
    server.start()
    server.ready.wait(10)
    try:
        yield server.url
    finally:
        server.httpd.shutdown()
        server.join(10)
        server.httpd.server_close()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        connection.dec_thread_sharing()


@pytest.fixture(scope="module")
def browser(django_db_blocker):
    # playwright's sync API keeps an event loop running in this thread, which Django takes for an
    # async context: the test's database calls are ordinary blocking calls all the same, but Django
    # keeps the connections of an async context apart from the thread's. Each side's are closed
    # before the switch, so none is left open when the test database is dropped.
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        connections.close_all()
        with playwright_api.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield chromium
            chromium.close()
            connections.close_all()


def _page(browser, site, user, viewport, *, bypass_csp: bool = True, javascript: bool = True):
    # The accessibility check injects axe as a script of the page, which the site's own
    # Content-Security-Policy refuses; test_no_page_breaks_the_content_security_policy opens
    # the pages under the policy.
    context = browser.new_context(
        viewport=viewport,
        locale="zh-CN",
        device_scale_factor=1,
        bypass_csp=bypass_csp,
        java_script_enabled=javascript,
    )
    if user is not None:
        client = Client()
        with DATABASE:
            client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
    return context.new_page()


def screenshot_open_pages(browser, name: str) -> list[Path]:
    """Every page still open in `browser`, saved as test-failures/<test>-<n>.png."""
    FAILURES.mkdir(exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:150]
    saved = []
    for n, page in enumerate(p for context in browser.contexts for p in context.pages):
        path = FAILURES / f"{safe}-{n + 1}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception:  # noqa: S112 (a page that cannot be drawn any more must not hide the failure)
            continue
        saved.append(path)
    # The pages a failed test left open would be drawn again for the next failure.
    for context in list(browser.contexts):
        context.close()
    return saved
