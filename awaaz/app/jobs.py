"""Report PDFs built in the background: RQ on the Redis the deployment already runs.

A quarterly report takes 13–18 s to draw; inside the request it held a worker thread and left
the browser waiting with no sign of life. With `AWAAZ_JOBS_REDIS_URL` set, `/mis/report.pdf`
queues a job and shows its progress; `awaaz worker` (one process beside `awaaz serve`) builds
it; the PDF waits in Redis for an hour, for the person who asked and nobody else. Without the
setting (the SQLite demo), reports are built in the request as before.

The MIS reaches this through `app.extensions["awaaz_jobs"]` (mis/views.py): the analytics
room never imports the shell.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker, get_current_job
from rq.exceptions import NoSuchJobError
from rq.job import Job

KEEP_SECONDS = 3600
STEPS = {"queued": 0, "reading": 20, "drawing": 50, "done": 100}


@dataclass(frozen=True)
class JobState:
    status: str  # queued, started, finished, failed
    step: str
    percent: int


class ReportJobs:
    def __init__(self, url: str, queue: str) -> None:
        self.redis = Redis.from_url(url)
        self.queue = Queue(queue, connection=self.redis)

    def enqueue(self, period: str, lang: str, audience: str, user_id: int) -> str:
        job = self.queue.enqueue(
            build_report_job,
            period,
            lang,
            audience,
            user_id,
            job_timeout=600,
            result_ttl=KEEP_SECONDS,
            failure_ttl=KEEP_SECONDS,
            meta={"user_id": user_id, "step": "queued"},
        )
        return job.id

    def _job(self, job_id: str, user_id: int) -> Job | None:
        try:
            job = Job.fetch(job_id, connection=self.redis)
        except (NoSuchJobError, ValueError):
            return None
        # Someone else's report is "not found", never "not yours".
        return job if job.meta.get("user_id") == user_id else None

    def state(self, job_id: str, user_id: int) -> JobState | None:
        job = self._job(job_id, user_id)
        if job is None:
            return None
        status = _status(job)
        step = "done" if status == "finished" else job.meta.get("step", "queued")
        return JobState(status, step, STEPS.get(step, 0))

    def result(self, job_id: str, user_id: int) -> tuple[bytes, dict] | None:
        """The PDF and what it is (period, lang, audience), once finished."""
        job = self._job(job_id, user_id)
        if job is None or _status(job) != "finished":
            return None
        period, lang, audience, _user = job.args
        return job.return_value(), {"period": period, "lang": lang, "audience": audience}

    def work(self, burst: bool = False, app: Flask | None = None) -> bool:
        """Run jobs in this process (no fork: the app, its database pool and the fonts are
        made once). With `app`, each job runs in an app context of its own, so that it starts
        from the database, not from the previous job's session (`awaaz worker`); without,
        in the current one."""
        worker_class = SimpleWorker if app is None else _worker_for(app)
        return worker_class([self.queue], connection=self.redis).work(burst=burst)


def _worker_for(app: Flask) -> type[SimpleWorker]:
    class AppWorker(SimpleWorker):
        def execute_job(self, job, queue):  # type: ignore[no-untyped-def]
            with app.app_context():
                return super().execute_job(job, queue)

    return AppWorker


def _status(job: Job) -> str:
    # JobStatus is a str Enum: str() of it reads "JobStatus.FINISHED", its value "finished".
    status = job.get_status(refresh=True)
    return getattr(status, "value", str(status))


def _step(name: str) -> None:
    job = get_current_job()
    if job is not None:
        job.meta["step"] = name
        job.save_meta()


def build_report_job(period_label: str, lang: str, audience: str, user_id: int) -> bytes:
    """What the worker runs: the same report `mis.report.build_report` draws in a request."""
    from mis import report
    from mis.engine import Settings
    from mis.periods import Period
    from models.database import db

    if not has_app_context():
        raise RuntimeError("run report jobs with `awaaz worker`, inside the app")
    _step("reading")
    period = Period.parse(period_label)
    settings = Settings.from_config(current_app.config)
    _step("drawing")
    return report.build_report(db.session, period, lang, audience, settings)


def init_app(app: Flask) -> None:
    url = app.config.get("AWAAZ_JOBS_REDIS_URL")
    if url:
        app.extensions["awaaz_jobs"] = ReportJobs(url, app.config["AWAAZ_JOBS_QUEUE"])
