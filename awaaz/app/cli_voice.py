"""`awaaz voice render|list`: the spoken prompts of the survivor pages (docs/survivor-flow.md)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from awaaz.console import audio
from feedback import voice
from models.database import db
from models.voice import VoiceClip


@click.group("voice")
def voice_group() -> None:
    """Spoken prompts: machine voice for every survivor prompt, staff recordings."""


def render_all(echo=click.echo) -> int:  # type: ignore[no-untyped-def]
    """Machine voice for every prompt that has none; shows progress; returns how many."""
    if not audio.espeak_available():
        echo("espeak-ng is not installed: no machine voice rendered (scripts/install-system.sh).")
        return 0
    prompts = list(voice.survivor_prompts(db.session))
    echo(f"Machine voice for {len(prompts)} prompts (bn, hi, en); rendering what is new …")

    def progress(done: int, total: int) -> None:
        if done == total or done % 100 == 0:
            echo(f"  {done} / {total}")

    made = audio.render_missing(db.session, prompts, progress)
    voice.forget()
    return made


@voice_group.command("render")
@with_appcontext
def render_command() -> None:
    """Render machine voice for every survivor prompt that has none (run after an upgrade)."""
    made = render_all()
    click.echo(f"{made} new clips.")


@voice_group.command("list")
@with_appcontext
def list_command() -> None:
    """How many clips each language has, by source and status, and their total size."""
    rows = db.session.execute(
        select(
            VoiceClip.lang,
            VoiceClip.source,
            VoiceClip.status,
            func.count(),
            func.sum(func.length(VoiceClip.audio)),
        ).group_by(VoiceClip.lang, VoiceClip.source, VoiceClip.status)
    )
    for lang, source, status, count, size in rows:
        click.echo(f"{lang}  {source:<9}  {status:<8}  {count:>5} clips  {size or 0:>9} bytes")
