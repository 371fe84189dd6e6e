"""Report PDFs built in the background: a real RQ queue on the machine's Redis.

The request queues the job and shows its progress; a worker (here `SimpleWorker` in this
process, inside the test's app, so it sees the test's data) builds it; only the person who
asked may see the progress or download the PDF, and the download is audited.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisDown
from sqlalchemy import select

from models import AuditEvent, Role
from tests.mis.test_views import PERIOD, programme, sign_in  # noqa: F401 — fixtures

REDIS = "redis://127.0.0.1:6379/0"


def _redis_up() -> bool:
    try:
        return bool(Redis.from_url(REDIS).ping())
    except RedisDown:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs the machine's Redis (CI has it)")


@pytest.fixture
def app_config():
    # A queue of this test's own: tests running side by side never take each other's jobs.
    return {"AWAAZ_JOBS_REDIS_URL": REDIS, "AWAAZ_JOBS_QUEUE": f"awaaz-test-{uuid.uuid4().hex}"}


def test_a_report_is_queued_shows_its_progress_and_downloads_when_ready(
    app,
    client,
    auth,
    session,
    programme,  # noqa: F811
):
    sign_in(client, auth, Role.STAFF)
    started = time.monotonic()
    queued = client.get(f"/mis/report.pdf?period={PERIOD}")
    assert queued.status_code == 303, "the request must not draw the report itself"
    assert time.monotonic() - started < 5
    page_url = queued.headers["Location"]
    waiting = client.get(page_url)
    assert waiting.status_code == 200
    body = waiting.get_data(as_text=True)
    assert 'http-equiv="refresh"' in body and 'id="job-progress"' in body
    assert 'value="0"' in body  # queued: nothing done yet
    jobs = app.extensions["awaaz_jobs"]
    jobs.work(burst=True)
    ready = client.get(page_url).get_data(as_text=True)
    assert 'value="100"' in ready and 'http-equiv="refresh"' not in ready
    link = re.search(r'id="job-download" href="([^"]+)"', ready).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    audited = session.scalars(select(AuditEvent).filter_by(action="report")).all()
    assert audited and audited[-1].detail["period"] == PERIOD
    jobs.queue.delete(delete_jobs=True)


def test_nobody_else_sees_or_downloads_someone_elses_report(
    app,
    client,
    auth,
    session,
    programme,  # noqa: F811
):
    sign_in(client, auth, Role.STAFF)
    page_url = client.get(f"/mis/report.pdf?period={PERIOD}").headers["Location"]
    jobs = app.extensions["awaaz_jobs"]
    jobs.work(burst=True)
    auth.logout()
    sign_in(client, auth, Role.ADMIN)  # another person, with more rights
    assert client.get(page_url).status_code == 404
    assert client.get(page_url + ".pdf").status_code == 404
    assert client.get("/mis/reports/no-such-job").status_code == 404
    jobs.queue.delete(delete_jobs=True)


def test_a_period_without_a_release_is_refused_before_anything_is_queued(
    app,
    client,
    auth,
    programme,  # noqa: F811
):
    sign_in(client, auth, Role.STAFF)
    assert client.get("/mis/report.pdf?period=2019Q1").status_code == 404
    assert len(app.extensions["awaaz_jobs"].queue) == 0


def test_awaaz_worker_builds_what_is_queued(app, client, auth, runner, programme):  # noqa: F811
    sign_in(client, auth, Role.STAFF)
    page_url = client.get(f"/mis/report/funder.pdf?period={PERIOD}&lang=bn").headers["Location"]
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    ready = client.get(page_url).get_data(as_text=True)
    assert 'value="100"' in ready
    link = re.search(r'id="job-download" href="([^"]+)"', ready).group(1)
    assert client.get(link).data.startswith(b"%PDF")
    app.extensions["awaaz_jobs"].queue.delete(delete_jobs=True)


def test_awaaz_check_says_when_no_worker_builds_the_reports(app):
    from awaaz.ops.doctor import check_jobs

    findings = check_jobs(app)
    assert [f.fatal for f in findings] == [False]
    assert "awaaz worker" in str(findings[0])
