"""The sentences for pydantic's error types: the ones the API can meet are covered through the API
(test_api_language); these are the cases it cannot easily produce."""

import pytest
from django.utils import translation

from anju.core.field_errors import choices, message, translated


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        ({"type": "no_such_type_yet", "loc": ("body",)}, "Invalid value.", "填写的值无效。"),
        # pydantic changed what it keeps in ctx: still a sentence, not a KeyError and a 500.
        ({"type": "string_too_long", "ctx": {}}, "Invalid value.", "填写的值无效。"),
        ({"type": "value_error"}, "Invalid value.", "填写的值无效。"),
        (
            {"type": "string_too_short", "ctx": {"min_length": 2}},
            "Enter at least 2 characters.",
            "至少填写 2 个字符。",
        ),
        (
            {"type": "string_too_short", "ctx": {"min_length": 1}},
            "This field is required.",
            "此项为必填项。",
        ),
        (
            {"type": "greater_than_equal", "ctx": {"ge": 0.0}},
            "Ensure this value is greater than or equal to 0.",
            "不能小于 0。",
        ),
        ({"type": "less_than", "ctx": {"lt": 2.5}}, "Enter a value less than 2.5.", "须小于 2.5。"),
        (
            {"type": "literal_error", "ctx": {"expected": "1 or 2"}},
            "Choose one of: 1, 2.",
            "只能是以下之一：1、2。",
        ),
        ({"type": "json_invalid", "ctx": {"error": "EOF"}}, "This is not valid JSON.", "不是有效的 JSON。"),
        ({"type": "extra_forbidden"}, "This field is not accepted here.", "此处不接受该字段。"),
        (
            {"type": "model_type", "ctx": {"class_name": "X"}},
            "Send an object ({…}) here.",
            "此处应为对象（{…}）。",
        ),
    ],
)
def test_each_error_reads_as_a_sentence_in_both_languages(error, english, chinese):
    with translation.override("en"):
        assert message(error) == english
    with translation.override("zh-hans"):
        assert message(error) == chinese


def test_the_allowed_values_are_read_from_pydantics_list():
    assert choices("'person' or 'organisation'") == ["person", "organisation"]
    assert choices("'a', 'b, c' or 'd'") == ["a", "b, c", "d"]
    assert choices("'only'") == ["only"]
    assert choices("1, 2 or 3") == ["1", "2", "3"]


def test_programs_keep_loc_type_and_ctx():
    error = {
        "type": "string_too_long",
        "loc": ("body", "payload", "title"),
        "msg": "String…",
        "ctx": {"max_length": 3},
    }
    with translation.override("en"):
        [out] = translated([error])
    assert out == {**error, "msg": "Enter at most 3 characters."}
