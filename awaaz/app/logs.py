"""Log lines that input cannot forge.

Every record is written on one line: carriage returns and line feeds — in a message, its
arguments or a traceback — are escaped, so text a visitor typed can never start a line of
its own in the log. What is logged is chosen so that it never holds a survivor's code,
comment or answers, nor a password: errors name the method and route template only.
"""

from __future__ import annotations

import logging

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter(FORMAT))
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.INFO)
