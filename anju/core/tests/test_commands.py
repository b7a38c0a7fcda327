"""The import commands' refusals are read by the county's operators: in the interface's first
language (Chinese) from a shell, in English when that language is active."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from anju.core.commands import acting_user

pytestmark = pytest.mark.django_db


def refusal(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(failure.value)


def test_a_missing_file_is_named(tmp_path):
    missing = tmp_path / "区划.csv"
    with translation.override("zh-hans"):
        assert refusal("import_regions", str(missing)) == f"{missing}：文件不存在。"
    with translation.override("en"):
        assert refusal("import_regions", str(missing)) == f"{missing}: no such file."


def test_a_file_over_the_limit_is_refused(tmp_path, settings):
    settings.ANJU_IMPORT_MAX_BYTES = 4
    big = tmp_path / "区划.csv"
    big.write_text("code,name,level\n", encoding="utf-8")
    with translation.override("zh-hans"):
        assert refusal("import_regions", str(big)) == f"{big}：文件大于 ANJU_IMPORT_MAX_MB 的限制。"
    with translation.override("en"):
        assert refusal("import_regions", str(big)) == f"{big}: larger than ANJU_IMPORT_MAX_MB."


def test_an_unknown_or_missing_account_is_refused():
    with translation.override("zh-hans"):
        assert refusal("create_token", "nobody") == "没有名为 nobody 的在用账号。"
        with pytest.raises(CommandError, match=r"^请用 --as 用户名 指定以哪个账号执行。$"):
            acting_user("", system_allowed=False)
    with translation.override("en"):
        assert refusal("create_token", "nobody") == "No active account is named nobody."
        with pytest.raises(CommandError, match=r"^Name the account to act as with --as USERNAME\.$"):
            acting_user("", system_allowed=False)
