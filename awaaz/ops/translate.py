"""`awaaz translate extract|update|compile|check`: the gettext workflow around pybabel."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from awaaz.web.i18n import LANGUAGES, TRANSLATIONS

ROOT = TRANSLATIONS.parent
POT = TRANSLATIONS / "messages.pot"
SOURCES = ["awaaz", "feedback", "mis", "models"]
# Survivors read these; every entry must be translated, none fuzzy.
REQUIRED = ("bn", "hi")


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _extract(target: Path) -> None:
    _pybabel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "-k",
        "N_",
        "-k",
        "P_:1c,2",  # feedback/wording.py: a variant for a person, or for a boy
        "--no-location",
        "--sort-output",
        "--omit-header",
        "-o",
        str(target),
        *(str(ROOT / s) for s in SOURCES),
    )


def _msgids(path: Path) -> set:
    """(msgid, msgctxt) of every message: a variant is a message of its own."""
    with path.open("rb") as handle:
        return {(m.id, m.context) for m in read_po(handle) if m.id}


@click.group("translate")
def translate() -> None:
    """Extract, update, compile and check the gettext catalogues."""


@translate.command()
def extract() -> None:
    """Write translations/messages.pot from the source."""
    _extract(POT)
    click.echo(f"{len(_msgids(POT))} messages in {POT.relative_to(ROOT)}")


@translate.command()
def update() -> None:
    """Extract, then merge new messages into every language's catalogue."""
    _extract(POT)
    for lang in LANGUAGES:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel(
                "update",
                "-i",
                str(POT),
                "-d",
                str(TRANSLATIONS),
                "-l",
                lang,
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            )
        else:
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang)


@translate.command("compile")
def compile_() -> None:
    """Compile the .po catalogues into the .mo files the app reads."""
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def problems() -> list[str]:
    """What is wrong with the committed catalogues; an empty list when all is well."""
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        _extract(fresh)
        expected = _msgids(fresh)
    if not POT.exists() or _msgids(POT) != expected:
        found.append("translations/messages.pot is stale: run `awaaz translate update`")
    for lang in REQUIRED:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            found.append(f"{lang}: no catalogue")
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        if catalog.fuzzy:
            found.append(f"{lang}: the catalogue header is fuzzy, so it would not compile")
        have = {(m.id, m.context): m for m in catalog if m.id}
        for msgid, context in sorted(expected, key=str):
            message = have.get((msgid, context))
            text = msgid if isinstance(msgid, str) else msgid[0]
            if message is None:
                found.append(f"{lang}: missing {text!r}")
            elif message.fuzzy:
                found.append(f"{lang}: fuzzy {text!r}")
            elif context is not None:
                continue  # an empty variant means "as the plain words" (feedback/wording.py)
            elif not (all(message.string) if isinstance(message.string, tuple) else message.string):
                found.append(f"{lang}: untranslated {text!r}")
    return found


@translate.command()
def check() -> None:
    """Fail when messages.pot is stale or a Bengali or Hindi entry is missing or fuzzy."""
    found = problems()
    for line in found:
        click.echo(line, err=True)
    if found:
        raise SystemExit(1)
    click.echo("Catalogues are complete.")
