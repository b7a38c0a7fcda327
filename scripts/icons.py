"""Rebuild anju/static/anju/icons.svg, the one sprite of icons the site uses, from an unpacked
lucide-static package (ISC licence, copied beside the sprite). Only the icons listed here are kept:

    npm pack lucide-static && tar xzf lucide-static-*.tgz && python scripts/icons.py package/icons
"""

import re
import sys
from pathlib import Path

ICONS = [
    "house", "inbox", "list", "file-plus", "upload", "download", "chart-column", "map", "users",
    "calendar", "settings", "scroll-text", "eye", "layout-grid", "ellipsis", "circle-user", "log-out",
    "languages", "chevron-right", "chevron-down", "printer", "search", "circle-alert", "circle-check",
    "info", "x", "plus", "triangle-alert", "clock", "inbox", "file-x", "lock", "compass",
]  # fmt: skip


def main(source: Path, target: Path) -> None:
    symbols = []
    for name in dict.fromkeys(ICONS):
        svg = (source / f"{name}.svg").read_text()
        body = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S).group(1)
        body = re.sub(r"\s*\n\s*", "", body)
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24">{body}</symbol>')
    target.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" fill="none" stroke="currentColor" stroke-width="2" '
        'stroke-linecap="round" stroke-linejoin="round">\n'
        "<!-- Lucide icons (ISC licence: icons-LICENSE.txt) -->\n" + "\n".join(symbols) + "\n</svg>\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "anju/static/anju/icons.svg")
