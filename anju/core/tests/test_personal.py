"""Identity numbers have many cases (GB 11643 check digit): function tests are the right tool."""

import pytest
from django.core.exceptions import ValidationError

from anju.core.personal import id_check_digit, mask_id_number, mask_phone, validate_id_number, validate_phone


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440524188001010014", "110105199001011232", " 11010519491231002x "],
)
def test_valid_identity_numbers(number):
    assert validate_id_number(number) == number.strip().upper()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_check"),  # last digit off by one
        ("11010519491231002", "id_shape"),  # 17 characters
        ("1101051949123100AX", "id_shape"),
        ("110105194902300027", "id_birth"),  # 30 February
    ],
)
def test_bad_identity_numbers_say_what_is_wrong(number, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(number)
    assert error.value.code == code


def test_check_digit_maps_ten_to_x():
    assert id_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize("phone", ["13812341234", "0931-8123456", "09318123456", "8123456"])
def test_phones(phone):
    assert validate_phone(phone)


@pytest.mark.parametrize("phone", ["1381234123", "abc", "2381234123456"])
def test_bad_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_masks_follow_the_national_practice():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("110105199001011232") == "110105********1232"
    assert mask_phone("") == "" and mask_id_number("") == ""
    assert mask_phone("0931-8123456").endswith("3456") and "8123" not in mask_phone("0931-8123456")
