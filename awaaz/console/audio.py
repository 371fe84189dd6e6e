"""Spoken prompts: machine voice rendered once per text, and staff recordings normalised.

Every clip ends as the same thing: mono MP3 at 24 kbit/s, 22,050 Hz, silence trimmed and the
loudest peak at −1 dBFS, so that no prompt is much louder than the next on a tablet's small
speaker. MP3 because it plays on a cheap Android phone's Chrome and on iOS Safari alike
(Ogg/Opus does not play on Safari). Decoding and encoding use PyAV (FFmpeg's libraries,
libmp3lame included, in the wheel); the machine voice is espeak-ng from Debian, which has
Bengali and Hindi. Nothing here runs per request: `awaaz voice render` renders what is
missing, and a recording is normalised once, when it is uploaded.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import av
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.voice import ClipSource, ClipStatus, VoiceClip, prompt_key

RATE = 22_050
BITRATE = 24_000
MAX_SECONDS = 30.0
MAX_UPLOAD_BYTES = 4 * 1024 * 1024  # as MAX_CONTENT_LENGTH (awaaz/app/factory.py)
# espeak-ng's female variant at a calm pace: the voice of a didi, not of an announcement.
ESPEAK_VOICES = {"bn": "bn+f2", "hi": "hi+f2", "en": "en+f2"}
ESPEAK_WORDS_PER_MINUTE = "135"


class AudioError(ValueError):
    """The file is not audio we can use; `reason` is a short, translatable key."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Clip:
    audio: bytes
    seconds: float

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.audio).hexdigest()


def _decode(raw: bytes) -> np.ndarray:
    """Any container FFmpeg reads (WebM/Opus from a browser, M4A, WAV, MP3) → mono float."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks: list[np.ndarray] = []
    try:
        with av.open(io.BytesIO(raw), mode="r") as container:
            if not container.streams.audio:
                raise AudioError("not_audio")
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                if sum(len(c) for c in chunks) > RATE * (MAX_SECONDS + 5):
                    raise AudioError("too_long")
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise AudioError("not_audio") from exc
    if not chunks:
        raise AudioError("silent")
    return np.concatenate(chunks).astype(np.float32)


def _tidy(samples: np.ndarray) -> np.ndarray:
    """Trim silence at both ends (keeping 0.15 s), peak at −1 dBFS."""
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    if loud.size == 0:
        raise AudioError("silent")
    pad = int(0.15 * RATE)
    samples = samples[max(0, loud[0] - pad) : loud[-1] + pad]
    if len(samples) > RATE * MAX_SECONDS:
        raise AudioError("too_long")
    return samples * (10 ** (-1 / 20) / float(np.max(np.abs(samples))))


def _encode(samples: np.ndarray) -> bytes:
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=RATE, layout="mono")
        stream.bit_rate = BITRATE
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        step = 1152 * 8
        for start in range(0, len(pcm), step):
            frame = av.AudioFrame.from_ndarray(
                pcm[start : start + step].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def normalise(raw: bytes) -> Clip:
    """A recording or a synthesised WAV as the one format every clip has."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise AudioError("too_big")
    samples = _tidy(_decode(raw))
    return Clip(_encode(samples), round(len(samples) / RATE, 2))


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesise(text: str, lang: str) -> Clip:
    """espeak-ng's voice for this text, normalised like a recording."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise AudioError("no_machine_voice")
    # The text goes in on stdin, never as an argument: a prompt starting with "-" must not be
    # read as an option. An argument list and no shell.
    wav = subprocess.run(  # noqa: S603
        [program, "-v", ESPEAK_VOICES[lang], "-s", ESPEAK_WORDS_PER_MINUTE, "--stdin", "--stdout"],
        input=text.encode(),
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    return normalise(wav)


def _have(session: Session, key: str, source: ClipSource) -> bool:
    return (
        session.scalar(
            select(VoiceClip.id).where(VoiceClip.prompt_key == key, VoiceClip.source == source)
        )
        is not None
    )


def render_missing(
    session: Session,
    prompts: Iterable[tuple[str, str]],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Render machine voice for every (lang, text) that has none yet; returns how many.

    A text with a machine clip already is left alone, so running it again costs nothing;
    espeak-ng runs in two threads (the machines have two cores; it leaves the GIL).
    """
    wanted: dict[str, tuple[str, str]] = {}
    for lang, text in prompts:
        text = " ".join(text.split())
        if lang in ESPEAK_VOICES and text:
            wanted.setdefault(prompt_key(lang, text), (lang, text))
    todo = [(k, v) for k, v in wanted.items() if not _have(session, k, ClipSource.MACHINE)]
    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for (_key, (lang, text)), clip in zip(
            todo, pool.map(lambda item: synthesise(item[1][1], item[1][0]), todo), strict=True
        ):
            session.add(_row(lang, text, clip, ClipSource.MACHINE, ClipStatus.APPROVED))
            done += 1
            if progress is not None:
                progress(done, len(todo))
    session.commit()
    return done


def add_recording(session: Session, lang: str, text: str, raw: bytes, user_id: int) -> VoiceClip:
    """A staff member's recording, normalised; it plays only once an admin approves it."""
    clip = normalise(raw)
    row = _row(lang, text, clip, ClipSource.RECORDING, ClipStatus.PENDING, user_id)
    existing = session.scalar(
        select(VoiceClip).where(
            VoiceClip.prompt_key == row.prompt_key, VoiceClip.audio_sha256 == clip.sha256
        )
    )
    if existing is not None:
        return existing  # the same file sent twice
    session.add(row)
    session.flush()
    return row


def _row(  # type: ignore[no-untyped-def]
    lang: str, text: str, clip: Clip, source, status, user_id: int | None = None
) -> VoiceClip:
    text = " ".join(text.split())
    return VoiceClip(
        lang=lang,
        prompt_key=prompt_key(lang, text),
        text=text,
        source=source,
        status=status,
        audio=clip.audio,
        audio_sha256=clip.sha256,
        seconds=clip.seconds,
        created_by_id=user_id,
    )


def decide(session: Session, clip: VoiceClip, approve: bool, user_id: int) -> None:
    """Approve a recording (the prompt's other approved recordings step aside) or reject it."""
    if approve:
        for other in session.scalars(
            select(VoiceClip).where(
                VoiceClip.prompt_key == clip.prompt_key,
                VoiceClip.source == ClipSource.RECORDING,
                VoiceClip.status == ClipStatus.APPROVED,
                VoiceClip.id != clip.id,
            )
        ):
            other.status = ClipStatus.REJECTED
    clip.status = ClipStatus.APPROVED if approve else ClipStatus.REJECTED
    clip.decided_by_id = user_id
    clip.decided_at = utcnow()
