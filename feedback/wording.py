"""Words that change with whom she speaks of, and with who she is.

Two things plain gettext cannot say on its own:

- **A person or an office.** Bengali says "উনি" of a person and "ওঁরা" of an office, and asks
  "কোন জন?" (which person?) of people, not "কোনটা?" (which thing?). A question shared by every
  type is translated once for offices (the msgid alone) and once for people (context
  `person`), and the person's form is used for the types in PERSON_TYPES.
- **A boy.** Hindi verbs agree with the one spoken to; the survivor pages are written to
  women and girls ("गई थीं", "चाहती हैं"). A survivor enrolled with `masculine_forms` reads
  the masculine forms (context `boy`) wherever the catalogue has them (docs/i18n.md).

Both are gettext contexts (msgctxt), so translators see each variant beside the plain one,
and any text without a variant falls back to the plain translation.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from flask_babel import get_translations

from models.base import N_

PERSON = "person"
BOY = "boy"
# Types whose entries are people (she met one person); the others are offices.
PERSON_TYPES = frozenset({"social_worker", "panchayat", "health_worker", "lawyer"})
WHICH = {PERSON: N_("Which person?"), None: N_("Which one?")}


def P_(context: str, msgid: str) -> str:
    """Mark a variant for the catalogue (msgctxt `context`, extracted as `P_:1c,2`)."""
    return msgid


# The variants the catalogues carry. A language whose words do not change leaves a variant
# empty, and the plain translation is used (Hindi for `person`, Bengali for `boy`).
# Literal contexts: Babel reads only string literals (PERSON and BOY above).
VARIANTS = (
    P_("person", "Did they treat you with respect?"),
    P_("person", "Did they listen to you?"),
    P_("person", "Did they keep what you told them secret?"),
    P_("person", "Did they ask you for money or a favour?"),
    P_("person", "Did they help you get papers or a scheme?"),
    P_("person", "Did they explain your case so you understood?"),
    P_("boy", "Did you get the help you went for?"),
    P_("boy", "Did they explain your case so you understood?"),
    P_("boy", "Did they ask what you want for yourself?"),
    P_("boy", "Do you want to tell us more? (you can leave this empty)"),
    P_("boy", "Do you want your didi to talk to you about this?"),
    P_("boy", "If you say yes, the programme will look into it. You can leave this empty."),
    P_("boy", "Please choose when you went."),
    P_("boy", "What help did you go for?"),
    P_("boy", "When did you go?"),
    P_("boy", "Whom did you meet?"),
    P_("boy", "Write the name or the place, as you know it"),
    P_("boy", "You can tell us about someone else now."),
)


@contextmanager
def as_a_boy() -> Iterator[None]:
    """Word what is translated inside as for a boy (the offline tablet's pack carries both)."""
    before = g.get("masculine_forms")
    g.masculine_forms = True
    try:
        yield
    finally:
        g.masculine_forms = before


def _contexts(extra: str | None = None) -> list[str]:
    contexts = []
    if g.get("masculine_forms"):
        contexts.append(BOY)
    if extra:
        contexts.append(extra)
    return contexts


def worded(msgid: str, extra: str | None = None, **variables: object) -> str:
    """`msgid` translated in the first context that has a translation, else plainly."""
    translations = get_translations()
    text = None
    for context in _contexts(extra):
        found = translations.upgettext(context, msgid)
        if found != msgid:
            text = found
            break
    if text is None:
        text = translations.ugettext(msgid)
    return text % variables if variables else text


def kind_of(type_code: str) -> str | None:
    return PERSON if type_code in PERSON_TYPES else None


def question(msgid: str, type_code: str) -> str:
    """A question about a stakeholder of this type, in the form for a person or an office."""
    return worded(msgid, kind_of(type_code))


def init_app(app: Flask) -> None:
    """Every `_()` in a template goes through `worded`, so a boy's pages need no other change."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: worded(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
    )
