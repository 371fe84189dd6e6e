"""Security headers on every response, whichever package produced it.

The survivor pages set a strict Content-Security-Policy of their own (feedback/views.py);
this only fills in what a response does not already carry, so it never weakens theirs.
Staff and MIS pages are not cached either: they show who rated what, on laptops that may be
shared. Static files (CSS, scripts, Dash's component files) may be cached.
"""

from __future__ import annotations

from flask import Flask, Response, request

BASELINE_CSP = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
CACHEABLE = (
    "/s/",
    "/static/",
    "/mis/_dash-component-suites/",
    "/mis/funder/_dash-component-suites/",
    "/mis/assets/",
    "/mis/funder/assets/",
)


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Content-Security-Policy", BASELINE_CSP)
    if not request.path.startswith(CACHEABLE):
        headers.setdefault("Cache-Control", "no-store")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
