"""Spoken prompts: hear each prompt, record or upload a better voice, approve recordings.

A recording plays to survivors only after an admin approves it (a wrong word, a name said
aloud, or a voice someone could recognise must not reach a survivor unheard). Every upload,
approval and rejection is audited. Machine voice stays as the fallback.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import HiddenField
from wtforms.validators import DataRequired

from awaaz.console import audio
from awaaz.console.admin import bp
from feedback import voice
from models import ClipSource, ClipStatus, VoiceClip
from models.audit import record
from models.database import db, db_int
from models.voice import prompt_key

AUDIO_ERRORS = {
    "not_audio": _l("That file is not a sound we can play. Record again, or choose another file."),
    "silent": _l("The recording is silent. Check the microphone and record again."),
    "too_long": _l("A prompt may be at most 30 seconds long."),
    "too_big": _l("The file is too big (at most 4 MB)."),
}


class RecordingForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    text = HiddenField(validators=[DataRequired()])
    audio = FileField(_l("Recording"), validators=[FileRequired()])


class DecideForm(FlaskForm):
    pass


def _prompts(lang: str) -> list[str]:
    seen: dict[str, None] = {}
    for prompt_lang, text in voice.survivor_prompts(db.session):
        if prompt_lang == lang and text.strip():
            seen.setdefault(" ".join(text.split()), None)
    return list(seen)


@bp.route("/voice")
def voice_prompts():
    """Each prompt of one language with what plays now, and recordings awaiting approval."""
    lang = request.args.get("lang", "bn")
    if lang not in voice.VOICE_LANGUAGES:
        abort(404)
    query = request.args.get("q", "").strip()
    clips = db.session.scalars(select(VoiceClip).where(VoiceClip.lang == lang)).all()
    by_key: dict[str, list[VoiceClip]] = {}
    for clip in clips:
        by_key.setdefault(clip.prompt_key, []).append(clip)
    playing = voice.clip_index(lang)
    rows = []
    for text in _prompts(lang):
        if query and query.lower() not in text.lower():
            continue
        key = prompt_key(lang, text)
        rows.append(
            {
                "text": text,
                "clips": sorted(by_key.get(key, []), key=lambda c: c.id),
                "playing": playing.get(key),
            }
        )
    pending = [c for c in clips if c.status is ClipStatus.PENDING]
    return render_template(
        "staff/admin/voice.html",
        lang=lang,
        query=query,
        rows=rows,
        pending=pending,
        languages=voice.VOICE_LANGUAGES,
        form=RecordingForm(formdata=None),
        decide_form=DecideForm(formdata=None),
    )


@bp.post("/voice/recordings")
def add_recording():
    """A recording from the browser's microphone or an uploaded file, normalised; pending."""
    form = RecordingForm()
    lang = form.lang.data if form.lang.data in voice.VOICE_LANGUAGES else None
    if not form.validate_on_submit() or lang is None:
        abort(400)
    if form.text.data not in _prompts(lang):
        abort(404)  # only a survivor prompt of that language can have a voice
    try:
        clip = audio.add_recording(
            db.session, lang, form.text.data, form.audio.data.read(), current_user.id
        )
    except audio.AudioError as error:
        flash(str(AUDIO_ERRORS[error.reason]), "error")
        return redirect(url_for(".voice_prompts", lang=lang), 303)
    record(
        db.session,
        "voice.recorded",
        actor=current_user,
        target_type="voice_clip",
        target_id=clip.id,
        detail={"lang": lang, "seconds": clip.seconds, "bytes": clip.size},
    )
    db.session.commit()
    flash(str(_l("Saved. It plays to survivors once an admin approves it.")), "info")
    return redirect(url_for(".voice_prompts", lang=lang), 303)


@bp.post("/voice/<int:clip_id>/<any(approve, reject):decision>")
def decide_recording(clip_id, decision):
    form = DecideForm()
    clip = db.session.get(VoiceClip, db_int(clip_id))
    if not form.validate_on_submit() or clip is None or clip.source is not ClipSource.RECORDING:
        abort(404)
    audio.decide(db.session, clip, decision == "approve", current_user.id)
    record(
        db.session,
        f"voice.{decision}d",
        actor=current_user,
        target_type="voice_clip",
        target_id=clip.id,
        detail={"lang": clip.lang},
    )
    db.session.commit()
    voice.forget()  # this worker at once; the others within voice.INDEX_SECONDS
    return redirect(url_for(".voice_prompts", lang=clip.lang), 303)


@bp.get("/voice/<int:clip_id>.mp3")
def hear_clip(clip_id):
    """Any clip, approved or not, for an admin to hear before deciding."""
    clip = db.session.get(VoiceClip, db_int(clip_id))
    if clip is None:
        abort(404)
    return voice.serve_bytes(clip.audio, clip.audio_sha256, cache="private, max-age=0")
