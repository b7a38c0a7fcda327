"""Test set-up shared by every app: the cast is built once per test database."""

import os
import tempfile

# The suite never needs a real key; setting one here keeps `pytest` runnable without any env.
os.environ.setdefault("ANJU_SECRET_KEY", "test-only-secret-key-not-for-production-000000")
# Uploads made by the tests go to a throwaway folder, not the developer's var/.
os.environ.setdefault("ANJU_VAR_DIR", tempfile.mkdtemp(prefix="anju-test-"))

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from anju.demo.testing import build_cast

    with django_db_blocker.unblock():
        build_cast()


@pytest.fixture
def cast(db):
    from anju.demo.testing import Cast

    return Cast()


@pytest.fixture
def client_for(client, cast):
    """client_for("officer_a") -> a test client signed in as that cast member."""

    def sign_in(name: str):
        from django.test import Client

        c = Client()
        c.force_login(cast.user(name))
        return c

    return sign_in


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Tests sign in with force_login and mean a session that may open every page of the role:
    for the roles that need a second factor, that is a session that has given it."""
    from django.test import Client

    from anju.demo.testing import pass_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        pass_second_factor(self)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _county_language_after_each_test():
    """A page request activates the caller's language in the thread and nothing resets it, so a
    test after an English request would see English where the county's language is the default."""
    yield
    from django.utils import translation

    translation.deactivate()
