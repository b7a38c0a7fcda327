"""Chinese is the first language and must be complete; English must work on every page."""

import ast
import gettext
from pathlib import Path

import pytest

import anju

LOCALE = Path(anju.__file__).parent / "locale"
PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"


def _unquote(text: str) -> str:
    # The .po file's escapes (\n, \") are Python's; the text around them may be any Unicode.
    return ast.literal_eval(f'"{text}"')


def read_po(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr (the first plural form), from a .po file; enough for a
    completeness check. Messages with a context are keyed apart from the same msgid without one."""
    entries: dict[tuple[str | None, str], str] = {}
    msgctxt = msgid = msgstr = None
    target = None
    fuzzy = False
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            msgctxt, target = line[8:].strip()[1:-1], "ctxt"
        elif line.startswith("msgid "):
            msgid, target = line[6:].strip()[1:-1], "id"
        elif line.startswith("msgid_plural "):
            target = None
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, target = line.split(" ", 1)[1].strip()[1:-1], "str"
        elif line.startswith('"') and target == "ctxt":
            msgctxt += line.strip()[1:-1]
        elif line.startswith('"') and target == "id":
            msgid += line.strip()[1:-1]
        elif line.startswith('"') and target == "str":
            msgstr += line.strip()[1:-1]
        elif not line.strip():
            if msgid:
                key = (None if msgctxt is None else _unquote(msgctxt), _unquote(msgid))
                entries[key] = "FUZZY" if fuzzy else msgstr
            msgctxt = msgid = msgstr = target = None
            fuzzy = False
    return entries


def test_every_chinese_translation_is_there_and_not_fuzzy():
    entries = read_po(PO)
    assert len(entries) > 150
    missing = [k for k, v in entries.items() if not v or v == "FUZZY"]
    assert missing == []


def test_no_obsolete_entries_are_kept():
    # makemessages keeps messages the code no longer uses as "#~" lines; they only mislead translators.
    obsolete = [line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("#~")]
    assert obsolete == []


def test_messages_with_a_context_are_read_apart():
    entries = read_po(PO)
    assert entries[("input error", "Enter text.")] == "请输入文字。"
    assert entries[("list separator", ", ")] == "、"


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations(MO.open("rb"))

    def compiled(context: str | None, msgid: str) -> str:
        return catalogue.gettext(msgid) if context is None else catalogue.pgettext(context, msgid)

    stale = [key for key, v in read_po(PO).items() if v and compiled(*key) == key[1]]
    assert stale == [], "run `anju compilemessages` after editing the .po file"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/regions/", "/staff/", f"/regions/{'629902100201'}/"])
def test_pages_render_in_english(client_for, url):
    client = client_for("admin")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(url).content.decode()
    assert 'lang="en"' in page and "Sign out" in page


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client_for):
    page = client_for("admin").get("/regions/").content.decode()
    assert 'lang="zh-hans"' in page and "退出" in page and "我的辖区" in page


@pytest.mark.parametrize(
    ("count", "written"),
    [
        (1, "一"),
        (3, "三"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "100"),
        (0, "0"),
    ],
)
def test_counts_in_formal_chinese(count, written):
    from anju.core.templatetags.anju_text import chinese_number

    assert chinese_number(count) == written
