"""Which app may import which: the layers of anju, lowest first, and the check that reads every
import in the package (imports inside functions too) and names each one that reaches upward.

An app imports only apps in layers below its own. Apps sharing a layer are independent of each
other (the kinds of case). The tests run it over the source tree (anju/core/tests/test_layers.py),
so CI fails on an upward import. It reads the source with `ast` and imports nothing."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),  # the ground: scoping, base views, API auth, rows, tabular files, checks
    ("audit",),  # every app's actions write audit rows, so the log sits just above the ground
    ("regions",),
    ("worktime",),
    ("accounts",),  # roles are assigned on regions
    ("notify",),  # tells people what waits for them; the workflow calls it
    ("workflow",),  # what every kind of case shares
    ("disputes",),  # the first kind of case
    ("events", "tips", "tasks"),  # later kinds; events stand on disputes (an event can become a dispute)
    ("open311",),  # the public Open311 door onto grid events
    ("federation",),
    ("reports",),
    ("site",),  # the shell and the home page
    ("demo",),  # the demo county, `anju seed`, the test cast
)

# The project's wiring (settings, the URL list, the one NinjaAPI, the console command, the WSGI
# entry) and this table stand outside the layers: they may import any app, and no app imports them.
WIRING = frozenset({"settings", "urls", "api", "cli", "wsgi", "asgi"})
# Folders whose code the rule does not cover: migrations name apps by label in their dependencies,
# and tests stand on everything (each uses the cast in demo, the top layer).
SKIPPED_DIRS = frozenset({"migrations", "tests", "__pycache__"})


@dataclass(frozen=True)
class Violation:
    path: Path
    line: int
    importer: str  # the app whose module imports
    imported: str  # the module it imports
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}: {self.why}"


def rank_of(app: str) -> int | None:
    for rank, layer in enumerate(LAYERS):
        if app in layer:
            return rank
    return None


def _module_of(path: Path, root: Path, package: str) -> list[str]:
    parts = [package, *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(node: ast.AST, module: list[str], is_package: bool, package: str) -> list[str]:
    """The dotted names an import statement reaches, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module if is_package else module[:-1]
        base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
        stem = ".".join([*base, *([node.module] if node.module else [])])
    else:
        stem = node.module or ""
    if stem == package:  # `from anju import disputes` imports the app itself
        return [f"{package}.{alias.name}" for alias in node.names]
    return [stem]


def upward_imports(root: Path, package: str = "anju") -> list[Violation]:
    """Every import in the package at `root` that breaks the layering."""
    found: list[Violation] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if SKIPPED_DIRS.intersection(relative.parts[:-1]):
            continue
        if len(relative.parts) == 1:  # a top-level module: the wiring, or anju/__init__.py
            continue
        app = relative.parts[0]
        rank = rank_of(app)
        if rank is None:
            found.append(Violation(relative, 1, app, "", "this app has no place in anju/core/layers.py"))
            continue
        module = _module_of(path, root, package)
        tree = ast.parse(path.read_bytes(), filename=str(path))
        for node in ast.walk(tree):
            for name in _imported(node, module, path.name == "__init__.py", package):
                parts = name.split(".")
                if parts[0] != package or len(parts) < 2 or parts[1] == app:
                    continue
                target = parts[1]
                if target in WIRING:
                    why = "the project's wiring imports the apps, not the other way round"
                else:
                    target_rank = rank_of(target)
                    if target_rank is None:
                        why = f"{target} has no place in the layers"
                    elif target_rank > rank:
                        why = f"{target} stands above {app}"
                    elif target_rank == rank:
                        why = f"{app} and {target} share a layer and stay independent"
                    else:
                        continue
                found.append(Violation(relative, node.lineno, app, name, why))
    return found
