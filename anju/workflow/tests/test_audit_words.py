"""A kind of case registered later reads in words on the audit log, from its own declaration."""

from anju.audit.tests.test_audit import rows_of
from anju.workflow import engine

from .test_toy_kind import new_case


def test_a_new_kinds_actions_read_in_its_transitions_words(toy, cast, client_for):
    engine.apply(toy, cast.mediator_a1, new_case(), "start", version=1)
    page = client_for("auditor").get("/audit/").content.decode()
    assert '<option value="toy.start">Toy：Started</option>' in page
    assert "Toy：Started" in rows_of(client_for("auditor").get("/audit/", {"action": "toy.start"}))
