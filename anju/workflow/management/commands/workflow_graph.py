"""anju workflow-graph KIND: print a kind's state diagram from its transition table."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.workflow import graph, kinds

DOCS_PAGE = Path(__file__).resolve().parents[4] / "docs" / "workflows.md"


class Command(BaseCommand):
    help = "Print a kind of case's state diagram (Mermaid or Graphviz DOT) from its transition table."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="the kind of case, e.g. dispute")
        parser.add_argument("--format", choices=graph.FORMATS, default="mermaid")
        parser.add_argument(
            "--docs", action="store_true", help=f"write every kind's diagram to {DOCS_PAGE.name} in docs/"
        )

    def handle(self, *args, kind=None, format="mermaid", docs=False, **options):
        if docs:
            DOCS_PAGE.write_text(graph.document(), encoding="utf-8")
            self.stdout.write(str(DOCS_PAGE))
            return
        names = sorted(k.name for k in kinds.all_kinds())
        if not kind:
            raise CommandError("Name a kind: " + ", ".join(names))
        try:
            declared = kinds.get(kind)
        except LookupError:
            raise CommandError(f"No kind of case is called {kind!r}; there are: {', '.join(names)}") from None
        self.stdout.write(graph.render(declared, format), ending="")
