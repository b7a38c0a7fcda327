import pytest
from django.db import connection


@pytest.fixture(scope="session")
def toy_tables(django_db_setup, django_db_blocker):
    """The toy kind's tables, made once per test database: they belong to no migration."""
    from .toy import MODELS

    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        for model in MODELS:
            editor.create_model(model)


@pytest.fixture
def toy(toy_tables, db):
    """The toy kind, registered for one test and gone after it (the docs list registered kinds)."""
    from anju.workflow import kinds

    from .toy import TOY

    kinds.register(TOY)
    yield TOY
    kinds.unregister(TOY.name)
