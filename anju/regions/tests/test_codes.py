"""Code validation has many cases (every level, bad lengths, bad segments, wrong parents): the one
place for function tests. What users see of it is tested through import and the API."""

import pytest
from django.core.exceptions import ValidationError

from anju.regions import codes
from anju.regions.choices import Level, TownshipKind, VillageKind


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("620123", Level.COUNTY),
        ("620123001", Level.TOWNSHIP),
        ("620123599", Level.TOWNSHIP),
        ("620123100201", Level.VILLAGE),
        ("620123100201001", Level.GRID),
        ("620123100201999", Level.GRID),
        ("62012310020100101", Level.GROUP),
        ("11010100100101", None),  # 14 digits: no level
    ],
)
def test_levels_by_length(code, level):
    if level is None:
        with pytest.raises(ValidationError) as error:
            codes.validate_code(code)
        assert error.value.code == "bad_length"
    else:
        assert codes.validate_code(code) == level


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("62012", "bad_length"),
        ("6201230011", "bad_length"),
        ("62012a", "bad_length"),
        ("990123", "bad_county"),  # no province 99
        ("620100", "bad_county"),  # a prefecture, not a county
        ("620123000", "bad_segment"),  # township 000
        ("620123600", "bad_segment"),  # township above 599
        ("620123100000", "bad_segment"),  # village 000
        ("620123100600", "bad_segment"),  # village above 599
        ("620123100201000", "bad_segment"),  # grid 000
        ("62012310020100100", "bad_segment"),  # joint group 00
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as error:
        codes.validate_code(code)
    assert error.value.code == error_code
    assert code in error.value.messages[0]


def test_level_must_match_the_code():
    with pytest.raises(ValidationError) as error:
        codes.validate_code("620123100", Level.VILLAGE)
    assert error.value.code == "wrong_level"


def test_parent_must_be_the_code_prefix():
    codes.validate_code("620123100201", parent="620123100")
    with pytest.raises(ValidationError) as error:
        codes.validate_code("620123100201", parent="620123101")
    assert error.value.code == "wrong_parent"
    assert "620123100" in error.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("620123000000", "620123"),
        ("620123100000", "620123100"),
        ("620123100201", "620123100201"),
        (" 620123 ", "620123"),
        ("620123100201.0", "620123100201"),
    ],
)
def test_nbs_twelve_digit_codes_are_stored_without_padding(raw, stored):
    assert codes.normalise(raw) == stored


def test_parent_codes_walk_up_the_path():
    assert codes.parent_code("62012310020100101") == "620123100201001"
    assert codes.parent_code("620123100201001") == "620123100201"
    assert codes.parent_code("620123100") == "620123"
    assert codes.parent_code("620123") is None


def test_kinds_follow_the_segment_ranges():
    assert codes.township_kind("620123001") == TownshipKind.SUBDISTRICT
    assert codes.township_kind("620123100") == TownshipKind.TOWN
    assert codes.township_kind("620123200") == TownshipKind.TOWNSHIP
    assert codes.township_kind("620123400") == TownshipKind.OTHER
    assert codes.village_kind("620123100001") == VillageKind.COMMUNITY
    assert codes.village_kind("620123100201") == VillageKind.VILLAGE
