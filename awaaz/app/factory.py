"""The application shell: it composes the survivor app (`feedback`) and the MIS (`mis`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, g, jsonify, request
from flask_compress import Compress
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from awaaz import api
from awaaz.app import headers, logs
from awaaz.app.config import from_environment
from awaaz.console import admin, alerts, enrol, kiosks, moderation, paper
from awaaz.console import releases as release_pages
from awaaz.security import access, auth, sealing
from awaaz.web import errors, guards, i18n
from models.database import WRITE_INTENT, configure_engine, db

compress = Compress()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment, or from `test_config` when tests pass one."""
    instance = os.environ.get("AWAAZ_INSTANCE_PATH")
    app = Flask("awaaz", instance_path=instance and str(Path(instance).resolve()))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Before any route is added: every `<int:…>` of every room is bounded.
    app.url_map.converters["int"] = guards.BoundedInt
    app.config.from_mapping(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a survivor may take her time; the session bounds it
        AWAAZ_K_STAFF=5,
        AWAAZ_K_FUNDER=11,
        AWAAZ_PRIOR_WEIGHT=5,
        AWAAZ_KIOSK_IDLE_SECONDS=60,
        AWAAZ_KIOSK_COUNTDOWN_SECONDS=15,
        # Where quick exit lands: a page with nothing to do with this service.
        AWAAZ_QUICK_EXIT_URL="https://www.google.com/",
        RATELIMIT_STORAGE_URI="memory://",
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=300,
        # Forms, API bodies and paper-form uploads alike: nothing legitimate is larger.
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,
    )
    if test_config is None:
        app.config.from_mapping(from_environment(Path(app.instance_path)))
    else:
        app.config.from_mapping(test_config)

    if not app.config.get("AWAAZ_TABLET_KEY"):  # tests: a key for this app's life only
        app.config["AWAAZ_TABLET_KEY"] = sealing.new_private_key()
    ring = sealing.KeyRing(
        app.config["AWAAZ_TABLET_KEY"], tuple(app.config.get("AWAAZ_TABLET_OLD_KEYS") or ())
    )
    ring.ids()  # a key that is not an EC P-256 private key stops the start, not a request
    app.config["AWAAZ_TABLET_KEYRING"] = ring
    # The survivor app hands the public half to tablets; only the shell holds the private.
    app.config["AWAAZ_TABLET_PUBLIC_KEY"] = sealing.public_key(ring.current)
    app.config["AWAAZ_TABLET_KEY_ID"] = ring.current_id
    proxies = app.config.get("AWAAZ_TRUSTED_PROXIES", 0)
    if proxies:
        # The client's address (for rate limits), scheme (for __Host- cookies, HSTS and
        # Flask-WTF's same-origin check) and host, as the configured proxies saw them; any
        # X-Forwarded-* header a client adds beyond those hops is ignored. Not the port: a
        # proxy's "X-Forwarded-Port: 443" would make the host "example.org:443", which
        # Flask-WTF's same-origin check would not match with the browser's Referer.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    logs.init_app(app)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(engine)
    i18n.init_app(app)
    # Survivors on slow mobile networks pay for every byte: compress text responses.
    compress.init_app(app)
    _name_cookies(app)
    _declare_writes(app)
    auth.init_app(app)
    app.register_blueprint(enrol.bp)
    app.register_blueprint(kiosks.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(release_pages.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(alerts.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(paper.bp)
    # The API's only write (POST /api/v1/ratings) admits device tokens alone, sent in the
    # Authorization header: a browser never adds that on its own, so no forged cross-site
    # request can carry one, and CSRF tokens would protect nothing there.
    auth.csrf.exempt(api.bp)
    access.init_app(app)
    # After the access table: a stranger is refused (401) before her input is judged.
    guards.init_app(app)
    errors.init_app(app)
    headers.init_app(app)

    from feedback import views as feedback_views
    from feedback.limits import limiter, retry_after

    # The shell's error pages hand survivors' addresses to the survivor app's own page.
    app.extensions["awaaz_survivor_error"] = feedback_views.problem_page
    limiter.init_app(app)
    app.after_request(retry_after)
    app.register_blueprint(feedback_views.bp)
    from feedback import wording

    wording.init_app(app)  # after Flask-Babel's own callables, which it replaces

    from mis import views as mis_views
    from mis.dashboard import init_dashboard

    app.register_blueprint(mis_views.bp)
    init_dashboard(app)
    headers.allow_dash(app, "/mis/", app.extensions["awaaz_dash"])
    headers.allow_dash(app, "/mis/funder/", app.extensions["awaaz_funder_dash"])
    _exempt_dash_callbacks(app)
    app.add_url_rule("/healthz", "healthz", healthz)

    from awaaz.app import cli, jobs

    jobs.init_app(app)
    cli.init_app(app)
    return app


def _declare_writes(app: Flask) -> None:
    """A form post on SQLite takes the write lock when its first transaction begins.

    Otherwise a request that reads (the signed-in user, the record) and then writes fails at
    once with "database is locked" when another request wrote in between, whatever the busy
    timeout. Dash callbacks are POSTs too but only read: they must not queue behind writers.
    The API's one write goes through `write_transaction`, which takes the lock itself for
    just the write: its checks (token, code, body) need not hold other submissions up. A
    paper upload checks up to 2,000 forms before writing, then stores them in short write
    transactions of their own (`feedback.services.submit_batch`).
    """

    @app.before_request
    def declare() -> None:
        if (
            request.method in ("POST", "PUT", "PATCH", "DELETE")
            and not request.path.endswith("_dash-update-component")
            and not request.path.startswith("/api/")
            and request.path != "/staff/paper"
        ):
            g.awaaz_write_token = WRITE_INTENT.set(True)

    @app.teardown_request
    def forget(_error: BaseException | None) -> None:
        token = g.pop("awaaz_write_token", None)
        if token is not None:
            WRITE_INTENT.reset(token)


def _name_cookies(app: Flask) -> None:
    """`__Host-` cookies over https: the browser then refuses them from http, from another
    path, or set by a subdomain, so they cannot be planted or read by a neighbour site."""
    secure = app.config.get("SESSION_COOKIE_SECURE", False)
    app.config.setdefault("AWAAZ_COOKIE_PREFIX", "__Host-" if secure else "")
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):
        app.config["SESSION_COOKIE_NAME"] = app.config["AWAAZ_COOKIE_PREFIX"] + "awaaz"


def _exempt_dash_callbacks(app: Flask) -> None:
    """Let Dash's callback requests through CSRF protection, and say why that is safe.

    Callbacks only read: they return figures and tables and change nothing. They are POSTs
    of application/json, which no cross-site form can send without a CORS preflight this app
    never grants; and the session cookie is SameSite=Lax, so a cross-site POST arrives signed
    out and is refused by the access table. Flask-WTF cannot see a Dash token, so without
    this every callback would fail with 400.
    """
    for rule in app.url_map.iter_rules():
        if rule.rule.endswith("/_dash-update-component"):
            auth.csrf.exempt(app.view_functions[rule.endpoint])


def healthz():
    """Liveness and readiness in one: 200 only when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
