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
    from anju.core.testing import build_cast

    with django_db_blocker.unblock():
        build_cast()


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_triggers():
    """A transactional test ends by emptying every table, on PostgreSQL with TRUNCATE, which the
    audit tables' triggers refuse. The test database's superuser may switch triggers off for the
    transaction that empties them (`session_replication_role`); the site's roles never can."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


@pytest.fixture
def cast(db):
    from anju.core.testing import Cast

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
