"""Survivor codes: generated with ≥ 40 bits of entropy, stored only as keyed hashes.

A code looks like `K7QM4-XTA9P`: nine random symbols and one check symbol. The alphabet drops
0, O, 1, I, L and U, which are easily confused when a code is read aloud or copied from a card,
so a field worker never has to say "zero, not O". Nine symbols from thirty carry 44.2 bits.
The check symbol (Luhn mod N) catches every single mistyped symbol and most swaps of two
neighbours, so a typo gets a "check your code" message instead of costing a lock-out attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 9
CODE_LENGTH = RANDOM_LENGTH + 1
ENTROPY_BITS = RANDOM_LENGTH * math.log2(len(ALPHABET))
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}
CONFUSABLE = {"0": "O", "O": "0", "1": "I", "I": "1", "L": "1", "U": "V"}


def _check_symbol(body: str) -> str:
    """Luhn mod N over the alphabet."""
    n = len(ALPHABET)
    total = 0
    for position, char in enumerate(reversed(body)):
        value = _INDEX[char]
        if position % 2 == 0:
            value *= 2
            value = value // n + value % n
        total += value
    return ALPHABET[(n - total % n) % n]


def generate_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return format_code(body + _check_symbol(body))


def format_code(code: str) -> str:
    """Group a normalised code as XXXXX-XXXXX for printing and reading aloud."""
    return f"{code[:5]}-{code[5:]}"


class CodeFormatError(ValueError):
    """Why an entered code cannot be a survivor code; `reason` is a stable key for messages."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise_code(entered: str) -> str:
    """Forgive case, spaces, dashes and Bengali or Devanagari digits; refuse what can't be a code.

    Reasons: "empty", "length", "confusable" (0, O, 1, I, L or U typed), "script" (letters of
    a Bengali or Hindi keyboard: she needs to be told what to do, not which symbol is wrong),
    "symbol", "check".
    """
    chars = []
    for char in entered.strip():
        if char.isspace() or char in "-–—_.":
            continue
        if char.isdigit():
            char = str(unicodedata.digit(char))
        chars.append(char.upper())
    code = "".join(chars)
    if not code:
        raise CodeFormatError("empty")
    if any(unicodedata.name(ch, "").startswith(("BENGALI", "DEVANAGARI")) for ch in code):
        raise CodeFormatError("script")
    if any(ch in CONFUSABLE for ch in code):
        raise CodeFormatError("confusable")
    if any(ch not in _INDEX for ch in code):
        raise CodeFormatError("symbol")
    if len(code) != CODE_LENGTH:
        raise CodeFormatError("length")
    if _check_symbol(code[:-1]) != code[-1]:
        raise CodeFormatError("check")
    return code


def hash_code(key: str, code: str) -> str:
    """HMAC-SHA256 of a normalised code: what the database stores instead of the code."""
    return hmac.new(key.encode(), code.encode(), hashlib.sha256).hexdigest()
