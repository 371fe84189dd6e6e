"""Security headers on every response, whichever package produced it.

The survivor pages set a strict Content-Security-Policy of their own (feedback/views.py);
this only fills in what a response does not already carry, so it never weakens theirs.
Dash pages get the same policy plus the hashes of the one inline script Dash renders (Dash
computes them: `Dash.csp_hashes`), and inline styles, which React and Plotly set.
Staff and MIS pages are not cached either: they show who rated what, on laptops that may be
shared. Static files (CSS, scripts, Dash's component files) may be cached.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

BASELINE_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
CACHEABLE = (
    "/s/",
    "/static/",
    "/mis/_dash-component-suites/",
    "/mis/funder/_dash-component-suites/",
    "/mis/assets/",
    "/mis/funder/assets/",
)


def dash_policy(script_hashes: list[str]) -> str:
    scripts = " ".join(script_hashes)  # Dash quotes them already: 'sha256-…'
    return (
        f"default-src 'self'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"
    )


def _policy() -> str:
    # Longest prefix first: the funder dashboard has its own inline script.
    for prefix, policy in current_app.extensions.get("awaaz_csp", []):
        if request.path.startswith(prefix):
            return policy
    return BASELINE_CSP


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Our own pages may learn where in our site a request came from (Flask-WTF checks
    # it over https); no other site ever learns anything (docs/security.md).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", _policy())
    if not request.path.startswith(CACHEABLE):
        headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)


def allow_dash(app: Flask, prefix: str, dash) -> None:  # type: ignore[no-untyped-def]
    """Give the Dash app under `prefix` a policy that admits its own inline script."""
    policies = app.extensions.setdefault("awaaz_csp", [])
    policies.append((prefix, dash_policy(dash.csp_hashes())))
    policies.sort(key=lambda item: len(item[0]), reverse=True)
