"""The state diagrams in docs/ are drawn from the transition tables, and stay equal to them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import anju
from anju.workflow import graph, kinds

DOCS = Path(anju.__file__).resolve().parent.parent / "docs" / "workflows.md"


def run(*args) -> str:
    out = io.StringIO()
    call_command("workflow_graph", *args, stdout=out)
    return out.getvalue()


def test_the_docs_page_shows_every_kind_as_its_table_says():
    # Run `anju workflow-graph --docs` after changing a transition table.
    assert DOCS.read_text(encoding="utf-8") == graph.document()


def test_the_dispute_diagram_has_every_transition_from_every_source():
    drawn = run("dispute")
    assert drawn.startswith("stateDiagram-v2\n")
    table = kinds.get("dispute").transitions
    for name, t in table.items():
        for source in t.sources:
            assert f"    {source} --> {t.target or source}: {name}\n" in drawn
    assert 'state "Resolved 已化解" as resolved' in drawn
    assert "    resolved --> [*]\n" in drawn and "registered --> [*]" not in drawn


def test_the_diagram_also_comes_as_graphviz(toy):
    drawn = run("toy", "--format", "dot")
    assert drawn.startswith("digraph toy {")
    assert '    working -> done [label="finish"];' in drawn
    assert '    working -> working [label="note"];' in drawn  # a transition that keeps the status
    assert "done [label=" in drawn and "peripheries=2" in drawn  # closed statuses are drawn apart


def test_an_unknown_kind_is_named_with_the_kinds_there_are():
    with pytest.raises(CommandError, match="there are: dispute"):
        run("petition")
    with pytest.raises(CommandError, match="Name a kind"):
        run()


def test_every_status_button_and_timeline_word_of_every_kind_reads_in_chinese():
    # A word only makemessages cannot find (an alias of pgettext_lazy) is silently left English.
    from django.utils import translation

    from anju.workflow.kinds import all_kinds

    untranslated = []
    for kind in all_kinds():
        words = [label for _, label in kind.statuses.choices]
        for t in kind.transitions.values():
            words += [t.label, t.done]
        words += list(kind.events.values())
        for word in words:
            with translation.override("en"):
                english = str(word)
            with translation.override("zh-hans"):
                chinese = str(word)
            if chinese == english:
                untranslated.append((kind.name, english))
    assert untranslated == []
