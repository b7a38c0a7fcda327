import pytest

from .factories import build_quarter


@pytest.fixture
def quarter(db):
    return build_quarter()
