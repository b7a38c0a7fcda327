"""The `anju` command: Django's management commands plus the platform's own, with hyphenated
names (`anju import-regions` runs `import_regions`) and a help page that lists anju's first."""

from __future__ import annotations

import os
import sys

OWN_APPS = ("anju.",)


def _own_commands() -> list[tuple[str, str]]:
    from django.core.management import get_commands, load_command_class

    result = []
    for name, app in sorted(get_commands().items()):
        if app.startswith(OWN_APPS):
            command = load_command_class(app, name)
            result.append(
                (name.replace("_", "-"), (command.help or "").strip().splitlines()[0] if command.help else "")
            )
    return result


def _print_help() -> None:
    from django.core.management import get_commands

    print("安居 anju: grassroots governance platform\n")
    print("Usage: anju COMMAND [options]   (anju COMMAND --help for a command's options)\n")
    print("Platform commands:")
    own = _own_commands()
    width = max((len(n) for n, _ in own), default=10)
    for name, text in own:
        print(f"  {name.ljust(width)}  {text}")
    others = sorted(n for n, app in get_commands().items() if not app.startswith(OWN_APPS))
    print("\nDjango commands (database, server, translations):")
    line = " "
    for name in others:
        if len(line) + len(name) > 88:
            print(line)
            line = " "
        line += " " + name
    print(line)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] in ("demo", "demo_code"):
        # The demo runs on this machine only, so it may generate its own secret key.
        os.environ.setdefault("ANJU_DEBUG", "true")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"anju: configuration error: {error}", file=sys.stderr)
        return 2

    if len(argv) == 1 or (argv[1] in {"-h", "--help", "help"} and len(argv) <= 2):
        _print_help()
        return 0

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
