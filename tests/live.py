"""A real Awaaz server (gunicorn via `awaaz serve`) on a fresh SQLite file, for browser tests.

Also used by scripts/survivor_screenshots.py, so the documentation shows exactly what the
tests exercise.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_EMAIL = "field@test.awaaz.org"
STAFF_PASSWORD = "a-long-field-password"


def csrf_token(page: str) -> str:
    """The CSRF token of a form on `page`, as a browser would post it back."""
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    codes: list[str]
    database: Path
    process: subprocess.Popen
    env: dict
    command: list[str]
    folder: Path

    def awaaz(self, *args: str) -> str:
        """Run an `awaaz` command against this server's database."""
        return subprocess.run(
            [sys.executable, "-m", "awaaz", *args],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: no shutdown code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def start_again(self) -> None:
        self.process = _launch(self.command, self.env, self.folder, self.url)

    def rating_count(self) -> int:
        """Ratings in this server's database, SQLite or PostgreSQL."""
        engine = create_engine(self.env["AWAAZ_DATABASE_URL"])
        with engine.connect() as conn:
            count = conn.scalar(text("SELECT COUNT(*) FROM ratings"))
        engine.dispose()
        return count

    def ratings_of_channel(self, channel: str) -> int:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(
                "SELECT COUNT(*) FROM ratings WHERE channel = ?", (channel,)
            ).fetchone()[0]

    def create_user(self, email: str, role: str, password: str) -> None:
        """A staff account on this server's database, made with `awaaz create-user`."""
        subprocess.run(
            [sys.executable, "-m", "awaaz", "create-user", email, "--role", role],
            input=password + "\n",
            text=True,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _launch(command: list[str], env: dict, folder: Path, url: str) -> subprocess.Popen:
    """Start the server in a process group of its own and wait until it answers."""
    with (folder / "server.log").open("a") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError((folder / "server.log").read_text()) from None
            time.sleep(0.2)


def start_server(
    folder: Path,
    ratings: int = 300,
    database_url: str | None = None,
    workers: int | None = None,
    voice: bool = False,
    **env_overrides: str,
) -> LiveServer:
    """`voice`: render the machine voice of every prompt (about 30 s on two cores); without
    it the pages have no speaker buttons, as on a server whose clips are not rendered yet."""
    port = free_port()
    database = folder / "awaaz.sqlite3"
    env = {
        **os.environ,
        "AWAAZ_INSTANCE_PATH": str(folder),
        "AWAAZ_DATABASE_URL": database_url or f"sqlite:///{database}",
        "AWAAZ_INSECURE_COOKIES": "1",
        "AWAAZ_QUICK_EXIT_URL": f"http://127.0.0.1:{port}/healthz",
        **env_overrides,
    }
    url_in_use = env["AWAAZ_DATABASE_URL"]
    if (workers or (1 if url_in_use.startswith("sqlite") else 2)) > 1:
        # More than one worker needs limits they share (`awaaz serve` refuses otherwise):
        # the machine's Redis, with keys of this server's own.
        env.setdefault("AWAAZ_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
        env.setdefault("AWAAZ_RATELIMIT_KEY_PREFIX", f"awaaz-test-{port}")

    def awaaz(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(
            [sys.executable, "-m", "awaaz", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=300,
        ).stdout

    awaaz("init-db")
    awaaz(
        "seed-demo", "--ratings", str(ratings), "--seed", "5", "--voice" if voice else "--no-voice"
    )
    codes = awaaz(
        "issue-codes", "--count", "40", "--district", "South 24 Parganas", "--block", "Basanti"
    ).split()
    awaaz(
        "create-user",
        STAFF_EMAIL,
        "--role",
        "field",
        "--district",
        "South 24 Parganas",
        stdin=STAFF_PASSWORD + "\n",
    )
    # Without `workers`, the production defaults of `awaaz serve`.
    command = [sys.executable, "-m", "awaaz", "serve", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    url = f"http://127.0.0.1:{port}"
    process = _launch(command, env, folder, url)
    return LiveServer(
        url=url,
        codes=codes,
        database=database,
        process=process,
        env=env,
        command=command,
        folder=folder,
    )


def make_kiosk(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Sign a field worker in on this browser page and switch the device to a kiosk, as staff
    do when setting up a shared tablet (the switch signs her out again)."""
    page.goto(f"{url}/staff/login")
    page.fill("input[name=email]", STAFF_EMAIL)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{url}/staff/kiosk")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{url}/")


def awaaz_command(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """`awaaz ARGS` as an operator runs it, with the instance and database `env` names."""
    return subprocess.run(
        [sys.executable, "-m", "awaaz", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
    )


def wait_until(page, predicate: str, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    """Poll a predicate from outside the page: the page's CSP forbids Playwright's eval."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(predicate):
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        time.sleep(0.1)


def open_tablet(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Make this browser a kiosk and open the offline tablet page once online, until its
    service worker keeps the page, the pack and the assets."""
    make_kiosk(page, url)
    page.goto(f"{url}/bn/tablet")
    page.wait_for_selector("#code")
    wait_until(page, "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)")


def answer_tablet(page, when: str, days: str = "9", overall: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """On the offline tablet, from "whom did you meet?" to the last question (Send showing):
    the first police station, every question's first answer (`overall` for "all in all"),
    one question per screen as she meets them. Returns the office's id."""
    page.click("button[data-type=police]")
    office = page.locator("button[data-stakeholder]").first
    office_id = int(office.get_attribute("data-stakeholder"))
    office.click()
    page.locator("input[name=service]").first.check(force=True)
    page.locator(f"input[name=when][value={when}]").check(force=True)
    page.click("button.go")
    answer_steps(page, days, {"q_overall": overall} if overall else {})
    return office_id


def answer_steps(page, days: str = "9", chosen: dict | None = None) -> int:  # type: ignore[no-untyped-def]
    """Walk a one-question-per-screen form to its last step as she would: tap an answer's
    words (the form moves on by itself), type the days and tap Next, tap Next past what she
    may leave empty. Returns her taps (answers, Next; typing not counted)."""
    chosen = chosen or {}
    page.wait_for_selector("form.stepped")
    taps = 0
    while not page.locator("button.go").is_visible():
        step = page.locator("fieldset.q:visible")
        before = page.locator(".progress").inner_text()
        radios = step.locator("input[type=radio]")
        if radios.count() and step.get_attribute("id") != "f-unsafe":
            name = radios.first.get_attribute("name")
            value = chosen.get(name) or radios.first.get_attribute("value")
            step.locator(f"label:has(input[value='{value}']) span").first.click()
        else:
            if step.locator("input.days").count():
                step.locator("input.days").fill(days)
            page.click("button.next")
        taps += 1
        deadline = time.monotonic() + 5
        while page.locator(".progress").inner_text() == before:
            assert time.monotonic() < deadline, f"stuck at step {before}"
            time.sleep(0.05)
    return taps
