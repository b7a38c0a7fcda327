"""The layering holds: no app imports one above it (core first, demo last; anju/core/layers.py),
and the check itself catches each way an upward import can be written."""

from __future__ import annotations

import re
from pathlib import Path

import anju
from anju.core.layers import LAYERS, upward_imports

ANJU = Path(anju.__file__).parent


def test_no_app_imports_an_app_above_it():
    found = upward_imports(ANJU)
    assert not found, "upward imports:\n" + "\n".join(map(str, found))


def test_core_imports_no_other_app():
    assert LAYERS[0] == ("core",)
    assert [v for v in upward_imports(ANJU) if v.importer == "core"] == []


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "anju" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "anju"


def found_in(root: Path) -> set[tuple[str, int, str]]:
    return {(str(v.path), v.line, v.imported) for v in upward_imports(root)}


def test_the_check_finds_every_form_of_upward_import(tmp_path):
    root = write(
        tmp_path,
        {
            "__init__.py": "",
            "settings.py": "from anju.demo import seeding\n",  # the wiring may import anything
            "core/__init__.py": "",
            "core/scoping.py": (
                "from anju.core import rows\n"
                "\n"
                "def roles():\n"
                "    from anju.accounts.models import RoleAssignment\n"  # inside a function
                "    return RoleAssignment\n"
            ),
            "core/views.py": "from ..disputes import queries\n",  # relative
            "core/api.py": "import anju.audit.models\n",
            "core/home.py": "from anju import site\n",  # the app itself, by name
            "core/wired.py": "from anju import settings\n",  # the wiring, from an app
            "core/rows.py": "",
            "regions/models.py": "from anju.core import scoping\nfrom anju.audit import actions\n",
            "accounts/choices.py": "from anju.regions.choices import Level\n",
            # workflow does not exist here: a layer not built yet is no fault. tips stands above
            # disputes, and events is its sibling.
            "disputes/queries.py": "from anju.workflow import apply\nfrom anju.tips.models import Tip\n",
            "tips/models.py": "from anju.events.models import Event\n",  # a sibling in the later kinds
            "events/models.py": "from anju.disputes.models import Dispute\n",  # a kind below may be used
            "reports/metrics.py": "from anju.disputes.models import Dispute\n",
            "demo/seeding.py": "from anju.reports import metrics\nfrom anju.site import views\n",
            "site/views.py": "from anju.demo.testing import Cast\n",
            "gadgets/__init__.py": "",  # an app nobody placed
            "core/tests/test_x.py": "from anju.demo.testing import Cast\n",  # tests stand on everything
            "disputes/migrations/0001_initial.py": "from anju.demo import seeding\n",
        },
    )
    assert found_in(root) == {
        ("core/scoping.py", 4, "anju.accounts.models"),
        ("core/views.py", 1, "anju.disputes"),
        ("core/api.py", 1, "anju.audit.models"),
        ("core/home.py", 1, "anju.site"),
        ("core/wired.py", 1, "anju.settings"),
        ("disputes/queries.py", 2, "anju.tips.models"),
        ("tips/models.py", 1, "anju.events.models"),
        ("site/views.py", 1, "anju.demo.testing"),
        ("gadgets/__init__.py", 1, ""),
    }


def test_the_check_passes_a_tree_that_only_imports_downward(tmp_path):
    root = write(
        tmp_path,
        {
            "core/scoping.py": "from . import rows\nfrom .rows import insert\n",
            "core/rows.py": "",
            "accounts/apps.py": "def ready():\n    from anju.core import scoping\n",
            "disputes/models.py": "from anju.accounts.models import User\nfrom anju.audit import actions\n",
            "demo/seeding.py": "from anju.disputes.models import Dispute\nfrom anju.site.views import home\n",
        },
    )
    assert found_in(root) == set()


def test_the_reason_names_both_apps(tmp_path):
    root = write(tmp_path, {"regions/queries.py": "from anju.accounts.models import RoleAssignment\n"})
    (violation,) = upward_imports(root)
    assert str(violation) == (
        "regions/queries.py:1: regions imports anju.accounts.models: accounts stands above regions"
    )


def test_the_architecture_notes_list_the_same_layers():
    notes = (ANJU.parent / "docs" / "architecture.md").read_text()
    section = notes.split("## Layers", 1)[1].split("\n## ", 1)[0]
    listed = [
        tuple(re.findall(r"`([a-z][a-z0-9]*)`", line.split(":", 1)[0]))
        for line in section.splitlines()
        if re.match(r"\d+\. ", line)
    ]
    assert listed == list(LAYERS)
