"""`awaaz serve`: the app under gunicorn, configured in code so one command is enough."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class AwaazServer(BaseApplication):
    def __init__(self, options: dict, factory=None) -> None:  # type: ignore[no-untyped-def]
        self.options = options
        self.factory = factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        # Each worker builds its own app after the fork, so no database connection is shared
        # between processes.
        from awaaz.app.factory import create_app

        return (self.factory or create_app)()


def run(host: str, port: int, workers: int, threads: int, factory=None) -> None:  # type: ignore[no-untyped-def]
    """Serve `factory()` (the Awaaz app unless another is given, e.g. a benchmark's
    baseline) under the production configuration."""
    AwaazServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 60,
            "graceful_timeout": 20,
            # Access logs would carry URLs and client addresses of survivors: keep them off.
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            # The app alone reads X-Forwarded-* (ProxyFix, AWAAZ_TRUSTED_PROXIES): gunicorn
            # must not also turn a header into https on its own.
            "forwarded_allow_ips": "127.0.0.1",
            "secure_scheme_headers": {},
        },
        factory,
    ).run()
