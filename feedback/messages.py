"""Every message a survivor can see when something goes wrong, in plain words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import wording

CODE_ERRORS = {
    "empty": _l("Please type your code."),
    "length": _l("Your code has 10 letters and numbers. Please look at your card again."),
    "confusable": _l("Codes never have 0, O, 1, I, L or U. Please look at your card again."),
    "script": _l(
        "Your code is in English letters. If you cannot type them, show your card to your didi."
    ),
    "symbol": _l("Please use only the letters and numbers on your card."),
    "check": _l("There is a small mistake in the code. Please check each letter."),
    "unknown": _l("We could not find this code. Please check it, or ask your didi for help."),
}

FIELD_ERRORS = {
    "required": _l("Please choose an answer."),
    "invalid": _l("Please choose one of the answers."),
    "unknown": _l("Please choose again from the list."),
    "wrong_type": _l("Please choose again from the list."),
    "future": _l("Please choose when you went."),
    "too_old": _l("Please choose when you went."),
    "too_long": _l("Please make your message shorter."),
    "revoked": _l("This code no longer works. Please ask your didi for a new card."),
}

STALE = _l("This page was open for a long time. Please check your answers and send again.")
SLOW_DOWN = _l("Too many tries. Please wait a little, then try again. Your didi can help.")
KIOSK_LOCKED = _l(
    "This tablet is stopped after many wrong codes. Your code may be right: please call "
    "your didi. She can open it again at once."
)
NOT_FOUND = _l("We could not find this page.")
TROUBLE = _l("Something went wrong on our side. Please try again.")


def field_error(reason: str) -> str:
    """The message in her form of address (a boy's Hindi differs: feedback/wording.py)."""
    lazy = FIELD_ERRORS.get(reason, FIELD_ERRORS["invalid"])
    return wording.worded(lazy._args[0])  # flask_babel's lazy string keeps its msgid there
