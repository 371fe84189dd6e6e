"""The survivor-facing pages. Views are thin: validate → service → render or redirect."""

from __future__ import annotations

import hashlib
import uuid
from functools import lru_cache, wraps
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy import select

from models import (
    DONT_KNOW,
    Channel,
    Service,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
    Survivor,
)
from models.base import local_digits
from models.codes import ALPHABET as CODE_ALPHABET
from models.codes import CodeFormatError
from models.database import db, db_int

from . import directory, flow, messages, voice, wording
from .held import hold as hold_rating
from .kiosk import clear_site_data, kiosk_district, was_kiosk
from .limits import limiter, wrong_code_limits
from .services import (
    ConflictingResubmission,
    ErasedResubmission,
    InvalidSubmission,
    Submission,
    active_questionnaire,
    programme_today,
    submit_rating,
)

bp = Blueprint(
    "feedback",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/s",
)

LANGUAGES = ("bn", "hi", "en")
BOARD_DISTRICT = "board"
LANGUAGE_CHOICES = voice.LANGUAGE_NAMES


@bp.url_value_preprocessor
def check_language(endpoint, values):  # type: ignore[no-untyped-def]
    lang = (values or {}).get("lang", "en")
    g.lang = lang if lang in LANGUAGES else "en"
    if lang not in LANGUAGES:
        abort(404)


@lru_cache(maxsize=16)
def _fingerprint(filename: str) -> str:
    path = Path(bp.static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


@bp.app_template_global()
def survivor_asset(filename: str) -> str:
    """A static file's URL with its content hash, so browsers may cache it for good."""
    return url_for("feedback.static", filename=filename, v=_fingerprint(filename))


bp.add_app_template_global(voice.say, "say")
bp.add_app_template_global(voice.aloud, "aloud")
bp.add_app_template_global(wording.question, "question")
bp.add_app_template_global(voice.heading, "heading")


@bp.app_template_filter("numerals")
def numerals(value: object) -> str:
    """Digits in the survivor page's own numerals (২০২৬ on a Bengali page, २०२६ on a Hindi one)."""
    return local_digits(value, g.get("lang", "en"))


@bp.get("/voice/<sha>.mp3")
def voice_clip(sha):
    """A spoken prompt by its content hash (feedback/voice.py)."""
    return voice.serve(sha)


@bp.get("/<lang>/voice.json")
def voice_list(lang):
    """Every clip of one language, for a kiosk to fetch ahead (survivor.js, tablet.js)."""
    return jsonify(voice.all_urls(lang))


@bp.after_request
def protect(response):  # type: ignore[no-untyped-def]
    """Nothing a survivor sees may be stored, framed, or leak where she came from."""
    if request.endpoint == "feedback.voice_list":
        # The same list for everyone; a kiosk asks for it on every page, so an hour's copy
        # saves its network (a clip approved meanwhile is fetched when first played).
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
    if request.endpoint in ("feedback.static", "feedback.voice_clip"):
        # CSS, script and spoken prompts hold nothing of hers; caching them keeps later
        # pages tiny. The clip route sets its own immutable caching.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    # Sent to this site only, so that a form's post carries a same-origin Referer (CSRF
    # check over https); quick exit and every link out send none (docs/security.md).
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )
    return response


def _render(template: str, status: int = 200, **context):  # type: ignore[no-untyped-def]
    context.setdefault("kiosk", kiosk_district() is not None)
    return render_template(
        f"feedback/{template}", lang=g.lang, languages=LANGUAGE_CHOICES, **context
    ), status


def needs_flow(view):  # type: ignore[no-untyped-def]
    """Send anyone without a signed-in survivor session back to the code page."""

    @wraps(view)
    def wrapped(lang, *args, **kwargs):  # type: ignore[no-untyped-def]
        g.flow = flow.current()
        g.survivor = g.flow and db.session.get(Survivor, g.flow.survivor_id)
        if g.survivor is None or not g.survivor.active:
            flow.reset()
            return redirect(url_for(".enter_code", lang=lang), 303)
        g.masculine_forms = g.survivor.masculine_forms  # feedback/wording.py
        return view(lang, *args, **kwargs)

    return wrapped


def _code_page(status: int = 200, **context):  # type: ignore[no-untyped-def]
    """The code page, with what its keypad and keyboard check need (survivor.js)."""
    return _render(
        "code.html",
        status,
        alphabet=CODE_ALPHABET,
        script_message=messages.CODE_ERRORS["script"],
        **context,
    )


@bp.get("/")
def choose_language():
    """Offer the three languages, each in its own script."""
    g.lang = str(get_locale())  # bn, or hi where the device asks (awaaz/web/i18n.py)
    return _render("choose_language.html")


@bp.route("/<lang>/", methods=["GET", "POST"])
@limiter.limit(wrong_code_limits, methods=["POST"], deduct_when=lambda r: r.status_code == 401)
def enter_code(lang):
    """Ask for her code; a right code starts a fresh session."""
    if request.method == "GET":
        return _code_page(board_items=_board(lang))
    entered = request.form.get("code", "")[:24]
    try:
        survivor = directory.find_survivor(
            db.session, current_app.config["AWAAZ_CODE_KEY"], entered
        )
    except CodeFormatError as error:
        return _code_page(422, error=messages.CODE_ERRORS[error.reason], entered=entered)
    if survivor is None:
        return _code_page(401, error=messages.CODE_ERRORS["unknown"], entered=entered)
    flow.start(survivor.id)
    return redirect(url_for(".choose_type", lang=lang), 303)


@bp.get("/<lang>/whom")
@needs_flow
def choose_type(lang):
    """Whom did you meet? One large tile per kind of person or office."""
    return _render("types.html", types=directory.stakeholder_types(db.session))


def _type_or_404(code: str) -> StakeholderType:
    stype = db.session.scalars(select(StakeholderType).filter_by(code=code, active=True)).first()
    if stype is None:
        abort(404)
    return stype


@bp.route("/<lang>/whom/<type_code>", methods=["GET", "POST"])
@needs_flow
def choose_stakeholder(lang, type_code):
    """The people or offices of that type, nearest first, with search and "not in the list"."""
    stype = _type_or_404(type_code)
    error = None
    if request.method == "POST":
        if request.form.get("not_listed") is not None:
            suggestion = directory.suggest_stakeholder(
                db.session, stype, g.survivor, request.form.get("name", "")
            )
            if suggestion is not None:
                g.flow.stakeholder_id, g.flow.suggestion_id = None, suggestion.id
                flow.save(g.flow)
                return redirect(url_for(".noted", lang=lang), 303)
            error = messages.FIELD_ERRORS["required"]
        else:
            chosen = request.form.get("stakeholder", type=db_int)
            stakeholder = chosen and db.session.get(Stakeholder, chosen)
            if stakeholder and stakeholder.active and stakeholder.type_id == stype.id:
                g.flow.stakeholder_id, g.flow.suggestion_id = stakeholder.id, None
                flow.save(g.flow)
                return redirect(url_for(".choose_help", lang=lang), 303)
            error = messages.FIELD_ERRORS["unknown"]
    query = request.args.get("q", "")
    found = directory.nearest_stakeholders(db.session, stype, g.survivor, query, lang=lang)
    return _render(
        "stakeholders.html",
        422 if error else 200,
        stype=stype,
        stakeholders=found,
        query=query,
        error=error,
    )


@bp.get("/<lang>/noted")
@needs_flow
def noted(lang):
    """Thank her for the name; staff will add it. She may answer the questions about them now
    (her answers are held until the name is added), or rate someone else."""
    return _render("noted.html", can_rate=g.flow.suggestion_id is not None)


@bp.route("/<lang>/help", methods=["GET", "POST"])
@needs_flow
def choose_help(lang):
    """Which help she went for, and when."""
    if _subject() is None:
        return redirect(url_for(".choose_type", lang=lang), 303)
    errors = {}
    service = request.form.get("service", g.flow.service_code or "")
    when = request.form.get("when", g.flow.when or "")
    if request.method == "POST":
        if db.session.scalars(select(Service).filter_by(code=service)).first() is None:
            errors["service"] = messages.field_error("required")
        if when not in flow.WHEN_CHOICES:
            errors["when"] = messages.field_error("required")
        if not errors:
            g.flow.service_code, g.flow.when = service, when
            flow.save(g.flow)
            return redirect(url_for(".questions", lang=lang), 303)
    return _render(
        "help.html",
        422 if errors else 200,
        services=directory.services(db.session),
        service=service,
        when=when,
        whens=flow.WHEN_CHOICES,
        errors=errors,
    )


@bp.route("/<lang>/questions", methods=["GET", "POST"])
@needs_flow
def questions(lang):
    """The questionnaire, then an optional comment and the consent to be contacted."""
    stakeholder = _subject()
    if g.flow.service_code is None or stakeholder is None:
        return redirect(url_for(".choose_help", lang=lang), 303)
    questionnaire = active_questionnaire(db.session, stakeholder.type_id)
    if g.flow.client_uuid is None:
        # One UUID per attempt: a double tap or a resent form stores the rating once.
        g.flow.client_uuid = str(uuid.uuid4())
        flow.save(g.flow)
    if request.method == "GET":
        return _questions_page(stakeholder, questionnaire, {}, {})
    answers = {
        entry.item.code: request.form.get(f"q_{entry.item.code}", "").strip()
        for entry in questionnaire.entries
    }
    answers = {code: value for code, value in answers.items() if value}
    held = isinstance(stakeholder, StakeholderSuggestion)
    submission = Submission(
        client_uuid=uuid.UUID(g.flow.client_uuid),
        survivor_id=g.survivor.id,
        stakeholder_id=0 if held else stakeholder.id,
        service_code=g.flow.service_code,
        month=flow.month_for(g.flow.when, programme_today()),
        channel=Channel.KIOSK if kiosk_district() else Channel.PHONE,
        answers=answers,
        comment=request.form.get("comment", ""),
        language=lang,
        consent_contact=request.form.get("consent") == "yes",
        felt_unsafe={"yes": True, "no": False}.get(request.form.get("unsafe", "")),
    )
    try:
        if held:
            hold_rating(db.session, stakeholder, submission)
        else:
            submit_rating(db.session, submission)
    except InvalidSubmission as invalid:
        errors = {
            name.removeprefix("answers."): messages.field_error(reason)
            for name, reason in invalid.errors.items()
        }
        return _questions_page(stakeholder, questionnaire, request.form, errors, 422)
    except (ConflictingResubmission, ErasedResubmission):
        pass  # this attempt was already stored; what matters to her is that it arrived
    flow.reset()
    # Only her district survives the reset, for the "you said, we did" board she reads next.
    session[BOARD_DISTRICT] = g.survivor.district_id
    return redirect(url_for(".thanks", lang=lang), 303)


def _subject() -> Stakeholder | StakeholderSuggestion | None:
    """Whom she is rating: a stakeholder of the registry, or the name she typed."""
    if g.flow.stakeholder_id is not None:
        return db.session.get(Stakeholder, g.flow.stakeholder_id)
    if g.flow.suggestion_id is not None:
        return db.session.get(StakeholderSuggestion, g.flow.suggestion_id)
    return None


def _board(lang: str) -> list:
    """ "You said, we did" for the district of the last survivor here, or of the kiosk."""
    district = session.get(BOARD_DISTRICT)
    if not isinstance(district, int):
        district = kiosk_district()
    return directory.you_said_we_did(db.session, lang, district)


def _questions_page(stakeholder, questionnaire, values, errors, status=200, **extra):  # type: ignore[no-untyped-def]
    return _render(
        "questions.html",
        status,
        stakeholder=stakeholder,
        entries=questionnaire.entries,
        values=values,
        errors=errors,
        dont_know=DONT_KNOW,
        keep_answers=True,  # the language choices post what she answered so far
        **extra,
    )


@bp.post("/<lang>/questions/in")
@needs_flow
def questions_in(lang):
    """The questions again in another language, with what she had answered so far.

    Her answers come with the request and go back in the page: they are kept nowhere (no
    cookie, no database) until she sends them, as on the questions page itself.
    """
    stakeholder = _subject()
    if stakeholder is None:
        return redirect(url_for(".choose_help", lang=lang), 303)
    questionnaire = active_questionnaire(db.session, stakeholder.type_id)
    return _questions_page(stakeholder, questionnaire, request.form, {})


@bp.get("/<lang>/thanks")
def thanks(lang):
    """Thank her, say what happens with her voice, and offer the way back or out."""
    response = current_app.make_response(_render("thanks.html", board_items=_board(lang)))
    response.headers["Clear-Site-Data"] = clear_site_data()
    return response


@bp.get("/exit")
def quick_exit():
    """Leave at once for a neutral page; forget the session and anything the browser kept.

    A phone leaves for a page that has nothing to do with us. A shared tablet stays ours: it
    shows a page of our own that says nothing (the tablet's service worker keeps it, so it
    shows without a network too), rather than sitting on a search engine until a didi comes.
    """
    flow.reset()
    target = url_for(".calm") if was_kiosk() else current_app.config["AWAAZ_QUICK_EXIT_URL"]
    response = redirect(target, 303)
    response.headers["Clear-Site-Data"] = clear_site_data()
    return response


@bp.get("/calm")
def calm():
    """Where quick exit leaves a shared tablet: a quiet page with nothing on it to read."""
    return render_template("feedback/calm.html")


@bp.get("/<lang>/reset")
def reset(lang):
    """The kiosk's idle reset: forget this survivor and show the language screen."""
    flow.reset()
    response = redirect(url_for(".choose_language"), 303)
    response.headers["Clear-Site-Data"] = clear_site_data()
    return response


@bp.errorhandler(404)
def not_found(error):  # type: ignore[no-untyped-def]
    return _render("problem.html", 404, message=messages.NOT_FOUND)


def problem_page(code: int):  # type: ignore[no-untyped-def]
    """The survivor's error page for an address under /bn/, /hi/ or /en/ that matched no page
    (the shell's error handler calls it: no survivor view ran to set her language)."""
    lang = request.path.split("/")[1]
    g.lang = lang if lang in LANGUAGES else "bn"
    message = messages.NOT_FOUND if code in (404, 405) else messages.TROUBLE
    return _render("problem.html", code, message=message)


@bp.errorhandler(500)
def trouble(error):  # type: ignore[no-untyped-def]
    db.session.rollback()
    return _render("problem.html", 500, message=messages.TROUBLE)


@bp.errorhandler(429)
def too_many_tries(error):  # type: ignore[no-untyped-def]
    # On a shared tablet the lock-out may meet the next survivor, whose code is right: she is
    # told to call her didi, who can clear it on the kiosks page at once.
    message = messages.KIOSK_LOCKED if kiosk_district() is not None else messages.SLOW_DOWN
    return _render("code.html", 429, error=message)


@bp.errorhandler(CSRFError)
def stale_form(error):  # type: ignore[no-untyped-def]
    """A form left open too long: keep what she answered and ask her to send again."""
    current = flow.current()
    stakeholder = (
        current and current.stakeholder_id and db.session.get(Stakeholder, current.stakeholder_id)
    )
    if request.endpoint == "feedback.questions" and stakeholder:
        questionnaire = active_questionnaire(db.session, stakeholder.type_id)
        return _questions_page(
            stakeholder, questionnaire, request.form, {}, 400, stale=messages.STALE
        )
    return _render("problem.html", 400, message=messages.STALE)


# The offline tablet app registers its routes on this blueprint.
from . import tablet  # noqa: E402, F401
