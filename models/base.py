"""The declarative base, naming convention and reusable column types."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from sqlalchemy import DateTime, Enum, MetaData, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints make Alembic migrations deterministic and let error handling match on a
# constraint's name (e.g. the unique client UUID of a rating) on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: DateTime(timezone=True)}

    def __repr__(self) -> str:
        # Only the primary key: a repr can reach a log, and other columns may be sensitive.
        ident = getattr(self, "id", None)
        return f"<{type(self).__name__} id={ident!r}>"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
code_str = Annotated[str, mapped_column(String(40))]
created_at = Annotated[
    dt.datetime,
    mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now()),
]


def enum_type(enum_cls: type[enum.StrEnum]) -> Enum:
    """Store a StrEnum by value in a VARCHAR with a CHECK, the same on SQLite and PostgreSQL."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda e: [m.value for m in e],
        name=enum_cls.__name__.lower(),
    )


def N_(message: str) -> str:
    """Mark a source string for translation without translating it here.

    The data layer stores English msgids; the web layers translate them with gettext in the
    request's locale. `babel.cfg` extracts `N_` so the catalogues carry every such string.
    """
    return message


_DIGITS = {
    "bn": str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"),
    "hi": str.maketrans("0123456789", "०१२३४५६७८९"),
}


def local_digits(text: object, lang: str) -> str:
    """Write the digits of `text` in the page's own numerals ("নভেম্বর 2026" → "নভেম্বর ২০২৬"), so
    one page never mixes two kinds of digit. English keeps its digits."""
    table = _DIGITS.get(lang)
    return str(text).translate(table) if table else str(text)


class LocalisedNameMixin:
    """A place or stakeholder name in English with optional Bengali and Hindi spellings.

    Names are data, not interface text, so they live in the row rather than the catalogues.
    """

    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))
    name_hi: Mapped[str | None] = mapped_column(String(200))

    def display_name(self, locale: str) -> str:
        local = {"bn": self.name_bn, "hi": self.name_hi}.get(locale)
        # "दक्षिण २४ परगना" on a Hindi page: one kind of digit per page.
        return local_digits(local, locale) if local else self.name
