"""The baseline of the load benchmark: a bare Flask route that reads a JSON body and answers
JSON, served by `awaaz serve`'s own gunicorn configuration."""

from __future__ import annotations

import sys

from flask import Flask, jsonify, request


def make_app() -> Flask:
    app = Flask("bare")

    @app.post("/api/v1/ratings")
    def accept():  # type: ignore[no-untyped-def]
        body = request.get_json(silent=True) or {}
        return jsonify(client_uuid=body.get("client_uuid"), stored=True), 201

    @app.get("/healthz")
    def health():  # type: ignore[no-untyped-def]
        return jsonify(status="ok")

    return app


if __name__ == "__main__":
    from awaaz.app.server import run

    run("127.0.0.1", int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), factory=make_app)
