"""Speaker buttons: every prompt a survivor sees can be heard, in the page's language.

`say(text)` in a template gives a speaker button for the text exactly as shown; the button
plays the prompt's approved recording, or its machine voice, from `/voice/<sha256>.mp3`. A text
with no clip yet gets no button (never a button that plays nothing). Nothing is synthesised
here: `survivor_prompts` lists what `awaaz voice render` must have rendered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from flask import Response, abort, g, request, url_for
from flask_babel import force_locale, get_translations, gettext
from markupsafe import Markup, escape
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from models import ItemOption, Questionnaire, Service, Stakeholder, StakeholderType
from models.database import db
from models.voice import ClipSource, ClipStatus, VoiceClip, prompt_key

from . import wording

VOICE_LANGUAGES = ("bn", "hi", "en")
LANGUAGE_NAMES = (("bn", "বাংলা"), ("hi", "हिंदी"), ("en", "English"))
# How long a worker trusts its list of clips: a newly approved recording plays within this.
INDEX_SECONDS = 30.0
# A clip's address carries the first 16 hex digits of its SHA-256 (64 bits: no two of a few
# thousand clips share them), so a page of forty speaker buttons stays small.
SHORT = 16
_index: dict[str, tuple[float, dict[str, str]]] = {}


def forget() -> None:
    """Drop the cached index (after a render or an approval in this process; tests)."""
    _index.clear()


def clip_index(lang: str) -> dict[str, str]:
    """prompt_key → audio SHA-256 of the clip to play: an approved recording, else the machine."""
    now = time.monotonic()
    cached = _index.get(lang)
    if cached is not None and now - cached[0] < INDEX_SECONDS:
        return cached[1]
    rows = db.session.execute(
        select(VoiceClip.prompt_key, VoiceClip.audio_sha256)
        .where(VoiceClip.lang == lang, VoiceClip.status == ClipStatus.APPROVED)
        # Machine first, so that a recording, read later, takes its place.
        .order_by(case((VoiceClip.source == ClipSource.MACHINE, 0), else_=1), VoiceClip.id)
    )
    index = {key: sha for key, sha in rows}
    _index[lang] = (now, index)
    return index


def _address(sha: str) -> str:
    return url_for("feedback.voice_clip", sha=sha[:SHORT])


def clip_url(text: str, lang: str | None = None) -> str | None:
    lang = lang or g.get("lang", "en")
    sha = clip_index(lang).get(prompt_key(lang, str(text)))
    return _address(sha) if sha else None


def clips_for(texts: list[str], lang: str) -> dict[str, str]:
    """text → clip URL for those texts that have one (the offline tablet's pack)."""
    found = {str(text): clip_url(text, lang) for text in texts}
    return {text: url for text, url in found.items() if url}


SPEAKER = Markup(
    '<a class="say" href="{url}" aria-label="{label}: {text}" title="{label}"{lang}>'
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M3 9h4l6-5v16l-6-5H3z"/>'
    '<path class="w" d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12"/></svg></a>'
)


def all_urls(lang: str) -> list[str]:
    return sorted({_address(sha) for sha in clip_index(lang).values()})


def say(text: str, lang: str | None = None) -> Markup:
    """A speaker button for `text` as shown (in `lang`, else the page's language). Without
    script it opens the clip in the browser's own player; with script (survivor.js) it plays
    in place, one clip at a time."""
    url = clip_url(text, lang)
    if url is None:
        return Markup("")
    if lang is None:
        label = gettext("Listen")
    else:
        with force_locale(lang):
            label = gettext("Listen")
    return SPEAKER.format(
        url=url,
        label=label,
        text=text,
        lang=Markup(' lang="{}"').format(lang) if lang else "",
    )


def aloud(text: str) -> Markup:
    """The text as shown, followed by its speaker button."""
    return escape(text) + say(text)


def serve(sha: str) -> Response:
    """An approved clip by its SHA-256's first digits: cached for good, Range honoured (iOS's
    player asks for ranges, and will not play a clip whose server ignores them)."""
    if len(sha) != SHORT or any(c not in "0123456789abcdef" for c in sha):
        abort(404)
    found = db.session.execute(
        select(VoiceClip.audio_sha256, VoiceClip.audio).where(
            VoiceClip.audio_sha256.startswith(sha), VoiceClip.status == ClipStatus.APPROVED
        )
    ).first()
    if found is None:
        abort(404)
    return serve_bytes(found.audio, found.audio_sha256)


def serve_bytes(audio: bytes, sha: str, cache: str = "public, max-age=31536000, immutable"):  # type: ignore[no-untyped-def]
    response = Response(audio, mimetype="audio/mpeg")
    response.set_etag(sha)
    response.headers["Cache-Control"] = cache
    return response.make_conditional(request, accept_ranges=True, complete_length=len(audio))


# --- what must be rendered -----------------------------------------------------------------


def _page_msgids() -> Iterator[str]:
    """Every message of the survivor pages and their errors, found as the catalogue finds them
    (the keywords of `awaaz translate extract`)."""
    root = Path(__file__).parent
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(root), method_map=method_map, keywords=keywords
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text and "%(" not in text and "{" not in text:
            yield text


def survivor_prompts(session: Session) -> Iterator[tuple[str, str]]:
    """(lang, text) for everything a survivor may want to hear: the pages' words, the
    questions and their answers, the types and services, and every active stakeholder's name.
    Must run in an application context (it translates)."""
    msgids = set(_page_msgids())
    msgids.update(session.scalars(select(StakeholderType.label)))
    msgids.update(session.scalars(select(Service.label)))
    for questionnaire in session.scalars(select(Questionnaire)):
        for entry in questionnaire.entries:
            msgids.add(entry.item.text)
    msgids.update(session.scalars(select(ItemOption.label)))
    msgids.update(wording.WHICH.values())
    types = list(session.scalars(select(StakeholderType)))
    stakeholders = list(session.scalars(select(Stakeholder).where(Stakeholder.active)))
    for lang, name in LANGUAGE_NAMES:  # each language says its own name on the start page
        yield lang, name
    for lang in VOICE_LANGUAGES:
        with force_locale(lang):
            translations = get_translations()
            for msgid in sorted(msgids):
                yield lang, translations.ugettext(msgid)
                # The forms for a person and for a boy (feedback/wording.py), where they differ.
                for context in (wording.PERSON, wording.BOY):
                    variant = translations.upgettext(context, msgid)
                    if variant != msgid:  # gettext gives the msgid back when there is none
                        yield lang, variant
            for stype in types:
                yield lang, heading(stype, lang)
        for stakeholder in stakeholders:
            yield lang, stakeholder.display_name(lang)


def heading(stype: StakeholderType, lang: str) -> str:
    """ "Police station: which one?" — the list page's heading, spoken whole."""
    with force_locale(lang):
        translations = get_translations()
        which = translations.ugettext(wording.WHICH[wording.kind_of(stype.code)])
        return f"{translations.ugettext(stype.label)}: {which}"
