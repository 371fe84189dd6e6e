"""Spoken prompts, pictures' words and forms of address, through the test client.

The machine voice is real espeak-ng and the encoding real PyAV: each clip is checked as a
phone would receive it (MP3, mono, ~24 kbit/s, ranges honoured, cached for good).
"""

from __future__ import annotations

import io
import math
import re
import shutil
import wave

import av
import numpy as np
import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from awaaz.console import audio
from feedback import voice
from models import AuditEvent, ClipSource, ClipStatus, StakeholderType, VoiceClip
from models.voice import prompt_key
from tests.factories import StakeholderFactory, SurvivorFactory, UserFactory
from tests.live import csrf_token

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng missing: scripts/install-system.sh"
)
SPEAKER = re.compile(r'<a class="say" href="(/voice/[0-9a-f]{16}\.mp3)" aria-label="([^"]+)"')


def tone(seconds: float = 1.5, rate: int = 16_000) -> bytes:
    """A WAV of a spoken-like tone: what a staff member's upload might be."""
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * math.pi * 220 * t) * 32767).astype(np.int16)
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def probe(mp3: bytes) -> tuple[str, int, int, float]:
    with av.open(io.BytesIO(mp3)) as container:
        stream = container.streams.audio[0]
        # FFmpeg names its MP3 decoder "mp3float"; the container's format is what a phone sees.
        return container.format.name, stream.channels, stream.rate, float(container.duration)


@needs_espeak
def test_machine_voice_is_rendered_once_as_small_mono_mp3(session):
    prompts = [("bn", "আপনি কি ভালো ছিলেন?"), ("hi", "क्या आप ठीक थीं?")]
    assert audio.render_missing(session, prompts) == 2
    assert audio.render_missing(session, prompts) == 0, "rendered again: never per request"
    for clip in session.scalars(select(VoiceClip)):
        codec, channels, rate, _duration = probe(clip.audio)
        assert (codec, channels, rate) == ("mp3", 1, audio.RATE)
        kbit = len(clip.audio) * 8 / clip.seconds / 1000
        assert 18 < kbit < 32, kbit
        assert clip.source is ClipSource.MACHINE and clip.status is ClipStatus.APPROVED


@needs_espeak
def test_a_reworded_prompt_gets_its_own_clip(session):
    audio.render_missing(session, [("bn", "কার কাছে গিয়েছিলেন?")])
    old = prompt_key("bn", "কার কাছে গিয়েছিলেন?")
    assert prompt_key("bn", "কার কাছে  গিয়েছিলেন?") == old  # spacing is not wording
    assert prompt_key("bn", "কার সঙ্গে দেখা হয়েছিল?") != old
    assert audio.render_missing(session, [("bn", "কার সঙ্গে দেখা হয়েছিল?")]) == 1


@needs_espeak
def test_a_speaker_plays_the_prompt_in_the_pages_language(client, session):
    page = client.get("/bn/").get_data(as_text=True)
    assert 'class="say"' not in page, "a speaker with nothing to play"
    prompts = [p for p in voice.survivor_prompts(session) if p[0] in ("bn", "hi")]
    audio.render_missing(session, [p for p in prompts if "কোড" in p[1] or "कोड" in p[1]])
    voice.forget()
    bn = SPEAKER.findall(client.get("/bn/").get_data(as_text=True))
    hi = SPEAKER.findall(client.get("/hi/").get_data(as_text=True))
    assert bn and hi and {u for u, _ in bn}.isdisjoint({u for u, _ in hi})
    assert any("কোড" in label for _, label in bn), bn
    url = bn[0][0]
    whole = client.get(url)
    assert whole.status_code == 200 and whole.mimetype == "audio/mpeg"
    assert "immutable" in whole.headers["Cache-Control"]
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=0-99"})  # iOS asks for ranges first
    assert part.status_code == 206 and len(part.data) == 100
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(whole.data)}"
    assert client.get("/voice/0123456789abcdef.mp3").status_code == 404
    assert client.get("/voice/../../etc.mp3").status_code == 404
    assert url in client.get("/bn/voice.json").get_json()


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_recording_plays_only_after_approval_and_every_step_is_audited(
    app, client, session, app_config
):
    UserFactory(email="admin@test.org", role="admin")
    with app.test_request_context(), force_locale("bn"):
        prompt = gettext("Type the code from your card")  # the code page's label
    login = csrf_token(client.get("/staff/login").get_data(as_text=True))
    signed_in = client.post(
        "/staff/login",
        data={"email": "admin@test.org", "password": "a-long-test-password", "csrf_token": login},
    )
    assert signed_in.status_code in (302, 303)
    page = client.get(f"/staff/admin/voice?lang=bn&q={prompt}")
    assert page.status_code == 200 and f'name="text" value="{prompt}"' in page.get_data(
        as_text=True
    )
    token = csrf_token(page.get_data(as_text=True))

    def upload(data: bytes):
        return client.post(
            "/staff/admin/voice/recordings",
            data={
                "csrf_token": token,
                "lang": "bn",
                "text": prompt,
                "audio": (io.BytesIO(data), "r.wav"),
            },
            content_type="multipart/form-data",
        )

    # Not audio: told so, nothing stored.
    assert upload(b"not a sound at all").status_code == 303
    assert session.scalar(select(func.count()).select_from(VoiceClip)) == 0
    # A real recording: stored normalised, pending, and not played yet.
    assert upload(tone()).status_code == 303
    clip = session.scalars(select(VoiceClip)).one()
    assert (clip.source, clip.status) == (ClipSource.RECORDING, ClipStatus.PENDING)
    assert probe(clip.audio)[:3] == ("mp3", 1, audio.RATE)
    short = clip.audio_sha256[: voice.SHORT]
    assert client.get(f"/voice/{short}.mp3").status_code == 404, "played before approval"
    assert client.get(f"/staff/admin/voice/{clip.id}.mp3").status_code == 200  # admin hears it
    # Approved: the survivor page plays it.
    assert (
        client.post(f"/staff/admin/voice/{clip.id}/approve", data={"csrf_token": token}).status_code
        == 303
    )
    assert client.get(f"/voice/{short}.mp3").status_code == 200
    assert short in client.get("/bn/").get_data(as_text=True)
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"voice.recorded", "voice.approved"} <= actions
    # Only survivor prompts can be given a voice.
    stray = client.post(
        "/staff/admin/voice/recordings",
        data={
            "csrf_token": token,
            "lang": "bn",
            "text": "anything at all",
            "audio": (io.BytesIO(tone()), "r.wav"),
        },
        content_type="multipart/form-data",
    )
    assert stray.status_code == 404


def test_a_recording_too_long_or_silent_is_refused_with_the_reason():
    with pytest.raises(audio.AudioError) as silent:
        audio.normalise(tone(seconds=1.0)[:44] + bytes(32_000))
    assert silent.value.reason in ("silent", "not_audio")
    with pytest.raises(audio.AudioError) as long:
        audio.normalise(tone(seconds=40))
    assert long.value.reason == "too_long"


def test_a_bengali_keyboard_is_told_to_show_the_card(client):
    page = client.post("/bn/", data={"code": "কখগঘ"})
    assert page.status_code == 422
    assert "কার্ডটা দিদিকে দেখান" in page.get_data(as_text=True)
    # Bengali digits are still welcome as digits.
    survivor = SurvivorFactory()
    digits = survivor.code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert client.post("/bn/", data={"code": digits}).status_code == 303


def _questions(client, survivor, type_code, lang):
    stakeholder = StakeholderFactory(type_code=type_code)
    assert client.post(f"/{lang}/", data={"code": survivor.code}).status_code == 303
    chosen = client.post(f"/{lang}/whom/{type_code}", data={"stakeholder": stakeholder.id})
    assert chosen.status_code == 303
    helped = client.post(f"/{lang}/help", data={"service": "documents", "when": "last_month"})
    assert helped.status_code == 303
    return client.get(f"/{lang}/questions").get_data(as_text=True)


def test_a_person_is_uni_and_an_office_onra_in_bengali(client):
    person = _questions(client, SurvivorFactory(), "social_worker", "bn")
    assert "উনি কি আপনার সঙ্গে সম্মান করে কথা বলেছিলেন?" in person
    office = _questions(client, SurvivorFactory(), "police", "bn")
    assert "ওঁরা কি আপনার সঙ্গে সম্মান করে কথা বলেছিলেন?" in office
    # Numbers in the page's own digits: "১." not "1."
    assert re.search(r"<legend>১\. ", office) and not re.search(r"<legend>1\. ", office)
    assert "কোন জন?" in client.get("/bn/whom/social_worker").get_data(as_text=True)
    assert "কোনটা?" in client.get("/bn/whom/police").get_data(as_text=True)


def test_a_boy_reads_the_masculine_hindi_and_a_girl_the_feminine(client):
    girl = _questions(client, SurvivorFactory(), "cwc", "hi")
    assert "आप अपने लिए क्या चाहती हैं?" in girl
    client.get("/hi/reset")
    boy = _questions(client, SurvivorFactory(masculine_forms=True), "cwc", "hi")
    assert "आप अपने लिए क्या चाहते हैं?" in boy and "चाहती" not in boy
    assert "आप किससे मिले?" in client.get("/hi/whom").get_data(as_text=True)


def test_a_shared_answer_never_writes_her_session_back(app, client, session):
    """A kiosk fetches clips in the background; one in flight when the tablet resets for the
    next survivor must not write the previous survivor's session back (it did)."""
    survivor = SurvivorFactory()
    assert client.post("/bn/", data={"code": survivor.code}).status_code == 303
    name = app.config["SESSION_COOKIE_NAME"]
    for path in ("/s/survivor.css", "/bn/voice.json"):
        response = client.get(path)
        response.close()  # a static file is streamed from disk
        cookies = response.headers.getlist("Set-Cookie")
        assert not [c for c in cookies if c.startswith(f"{name}=")], (path, cookies)


@needs_espeak
def test_a_name_saved_in_the_registry_is_voiced_then_and_there(client, auth, session):
    from tests.factories import district

    UserFactory(email="admin@test.org", role="admin")
    auth.login("admin@test.org")
    place = district()
    police_type = session.scalar(select(StakeholderType.id).filter_by(code="police"))
    saved = client.post(
        "/staff/admin/stakeholders",
        data={
            "name": "Gosaba coastal police station",
            "name_bn": "গোসাবা উপকূল থানা",
            "name_hi": "गोसाबा तटीय थाना",
            "type_id": police_type,
            "district_id": place.id,
            "block_id": 0,
            "active": "y",
        },
    )
    assert saved.status_code == 303
    keys = set(session.scalars(select(VoiceClip.prompt_key)))
    for lang, name in (("bn", "গোসাবা উপকূল থানা"), ("hi", "गोसाबा तटीय थाना")):
        assert prompt_key(lang, name) in keys, lang
