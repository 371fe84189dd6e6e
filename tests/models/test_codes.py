"""Survivor codes: entropy, readability, forgiving entry, typo detection, keyed hashing."""

import math

import pytest

from models.codes import (
    ALPHABET,
    ENTROPY_BITS,
    CodeFormatError,
    generate_code,
    hash_code,
    normalise_code,
)


def test_codes_carry_at_least_40_bits_of_entropy():
    assert ENTROPY_BITS >= 40
    assert len(ALPHABET) == 30 and math.log2(len(ALPHABET)) * 9 >= 40


def test_codes_never_use_characters_that_are_easily_confused():
    codes = {generate_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert not set(code) & set("0O1ILU")
        assert len(code) == 11 and code[5] == "-"


def test_entry_forgives_case_spaces_dashes_and_local_digits():
    code = generate_code()
    plain = code.replace("-", "")
    assert normalise_code(code.lower()) == plain
    assert normalise_code(" " + " ".join(plain) + " ") == plain
    bengali = plain.translate(str.maketrans("23456789", "২৩৪৫৬৭৮৯"))
    devanagari = plain.translate(str.maketrans("23456789", "२३४५६७८९"))
    assert normalise_code(bengali) == plain
    assert normalise_code(devanagari) == plain


@pytest.mark.parametrize(
    ("entered", "reason"),
    [
        ("", "empty"),
        ("  - ", "empty"),
        ("ABC", "length"),
        ("ABCDE-FGH0K", "confusable"),
        ("ABCDE-FGHIK", "confusable"),
        ("ABCDE-FGH#K", "symbol"),
    ],
)
def test_impossible_codes_are_explained(entered, reason):
    with pytest.raises(CodeFormatError) as error:
        normalise_code(entered)
    assert error.value.reason == reason


def test_every_single_mistyped_symbol_is_caught_by_the_check_symbol():
    plain = generate_code().replace("-", "")
    for position in range(len(plain)):
        for other in ALPHABET:
            if other == plain[position]:
                continue
            typo = plain[:position] + other + plain[position + 1 :]
            with pytest.raises(CodeFormatError, match="check"):
                normalise_code(typo)


def test_hashes_are_keyed():
    plain = generate_code().replace("-", "")
    assert hash_code("key-a", plain) != hash_code("key-b", plain)
    assert hash_code("key-a", plain) == hash_code("key-a", plain)
    assert plain not in hash_code("key-a", plain)
