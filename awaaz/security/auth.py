"""Staff sign-in, roles, and the staff console's front page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import CSRFProtect, FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from awaaz.security import sessions as staff_sessions
from awaaz.security.passwords import verify_password
from awaaz.web.i18n import STAFF_LANGUAGES
from feedback import kiosk as kiosk_mode
from feedback.limits import limiter
from models import District, Kiosk, Role, User
from models.audit import record
from models.database import db, db_int
from models.devices import new_kiosk_id

bp = Blueprint("staff", __name__, url_prefix="/staff")
login_manager = LoginManager()
csrf = CSRFProtect()

MAX_FAILURES = 6
# Per network address, across all accounts: slows a password sprayer that tries one password
# on many accounts and so never trips any one account's lock-out.
SIGN_IN_LIMITS = "10 per minute;50 per hour"
LOCKOUT = dt.timedelta(minutes=30)


class StaffUser(UserMixin):
    """What Flask-Login keeps for a signed-in user: id, role, district and session token.

    The session cookie holds `get_id()`, i.e. the user id and the token of a server-side
    session (awaaz/sessions.py); the token's row decides whether the cookie still signs in.
    """

    def __init__(self, user: User, token: str) -> None:
        self.id = user.id
        self.email = user.email
        self.role = Role(user.role)
        self.district_id = user.district_id
        self.token = token

    def get_id(self) -> str:
        return f"{self.id}:{self.token}"


@login_manager.user_loader
def load_user(cookie_id: str) -> StaffUser | None:
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = staff_sessions.resolve(db.session, token, dt.datetime.now(dt.UTC))
    if user is None or user.id != int(user_id):
        return None
    return StaffUser(user, token)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


def authenticate(email: str, password: str, now: dt.datetime) -> User | None:
    """Check a sign-in; counts failures and locks an account after MAX_FAILURES in a row."""
    user = db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).first()
    locked = user is not None and user.locked_until is not None and _aware(user.locked_until) > now
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        return None
    if ok and user.active and not locked:
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        return user
    if not locked:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
    return None


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _refused(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMITS, methods=["POST"], key_func=get_remote_address, deduct_when=_refused)
def login():
    """Sign a staff member in. Unknown e-mail and wrong password get the same answer."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, dt.datetime.now(dt.UTC))
        if user is None:
            record(db.session, "login.failed")
            db.session.commit()
            error = _l("That e-mail and password do not match an active account.")
        else:
            session.clear()  # nothing from before sign-in (e.g. a survivor session) carries over
            token = staff_sessions.start(db.session, user, dt.datetime.now(dt.UTC))
            login_user(StaffUser(user, token))
            record(db.session, "login.succeeded", actor=user)
            db.session.commit()
            return redirect(url_for("staff.index"))
    return render_template("staff/login.html", form=form, error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    """Sign out and tell the browser to forget this site's storage."""
    if current_user.is_authenticated:
        staff_sessions.end(db.session, current_user.token, dt.datetime.now(dt.UTC))
        record(db.session, "logout", actor=current_user)
        db.session.commit()
    logout_user()
    session.clear()
    response = redirect(url_for("staff.login"))
    # Not a kiosk tablet's storage: its unsent, sealed ratings wait there (see kiosk.py).
    response.headers["Clear-Site-Data"] = kiosk_mode.clear_site_data("cookies")
    return response


@bp.get("/")
def index():
    """The staff console: links to the pages this role may use."""
    return render_template("staff/index.html")


@bp.route("/kiosk", methods=["GET", "POST"])
def kiosk():
    """Switch this device into kiosk mode for a district, then sign the staff member out.

    Staff must never stay signed in on a tablet that survivors will use next.
    """
    statement = select(District).order_by(District.name)
    if current_user.role is Role.FIELD:  # a field worker sets up tablets of her own district
        statement = statement.where(District.id == current_user.district_id)
    districts = db.session.scalars(statement).all()
    if request.method == "POST":
        chosen = request.form.get("district", type=db_int)
        if chosen in {d.id for d in districts}:
            now = dt.datetime.now(dt.UTC)
            days = current_app.config.get("AWAAZ_KIOSK_DAYS", 90)
            name = request.form.get("name", "").strip()[:100] or _l("Tablet")
            tablet = Kiosk(
                public_id=new_kiosk_id(),
                name=str(name),
                district_id=chosen,
                created_by_id=current_user.id,
                expires_at=now + dt.timedelta(days=days),
            )
            db.session.add(tablet)
            db.session.flush()
            record(
                db.session,
                "kiosk.enabled",
                actor=current_user,
                target_type="kiosk",
                target_id=tablet.id,
                detail={"district": chosen, "days": days},
            )
            staff_sessions.end(db.session, current_user.token, now, "kiosk")
            db.session.commit()
            logout_user()
            session.clear()
            return kiosk_mode.switch_on(redirect(url_for("feedback.choose_language")), tablet)
    return render_template("staff/kiosk.html", districts=districts)


@bp.get("/lang/<lang>")
def set_language(lang: str):
    """Switch the staff pages and the dashboard between English and Bengali."""
    if lang in STAFF_LANGUAGES:
        session["staff_lang"] = lang
    return redirect(same_site_path(request.args.get("next", "")) or url_for("staff.index"))


def same_site_path(target: str) -> str | None:
    """`target` when it is a path of this site, else None: an open redirect would let a link
    send staff anywhere. Browsers drop tabs and newlines from addresses and read a backslash
    as a slash, so `/%09/evil.example` and `/%5C/evil.example` lead to other sites; and a CR
    or LF could not go into a Location header at all."""
    if any(ord(c) < 0x21 or c in "\\\x7f" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Answers that are the same for everyone: they never write the session cookie.
SHARED_ENDPOINTS = frozenset(
    {"static", "feedback.static", "feedback.voice_clip", "feedback.voice_list"}
)


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a shared answer never sets the cookie.

    Flask-Login's strong protection marks every anonymous session modified, so each answer
    wrote the cookie back as the request had brought it. A kiosk fetches its spoken prompts
    in the background (feedback/static/survivor.js); one still in flight when the tablet
    reset for the next survivor wrote the previous survivor's session back over the fresh
    one. A test saw her session survive the reset.
    """

    def should_set_cookie(self, app: Flask, session) -> bool:  # type: ignore[no-untyped-def]
        if has_request_context() and request.endpoint in SHARED_ENDPOINTS:
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.register_blueprint(bp)
