"""The rating write path: validation, derived scores, idempotency, nothing written on error."""

import datetime as dt
import threading
import uuid

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from awaaz import create_app
from feedback.services import (
    ConflictingResubmission,
    InvalidBatch,
    InvalidSubmission,
    submit_rating,
)
from models import (
    Alert,
    Answer,
    Comment,
    Rating,
    Stakeholder,
    Survivor,
)
from models.database import db
from models.ratings import DERIVED_TABLES, rebuild_derived
from tests.conftest import make_config
from tests.factories import StakeholderFactory, SurvivorFactory, submission


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def pair(session):
    return SurvivorFactory(), StakeholderFactory(type_code="police")


def test_a_police_rating_stores_its_hand_computed_scores(session, pair):
    # respect 4 → 75, complaint written yes → 100, woman officer no → 0, private yes → 100,
    # money no → 100, helped partly → 50, days 12 (unscored), overall 3 → 50.
    # score = (75 + 100 + 0 + 100 + 100 + 50 + 50) / 7 = 475 / 7
    # respect dimension = (75 + 0) / 2; responsiveness = (100 + 50) / 2;
    # integrity = 100; confidentiality = 100.
    result = submit_rating(session, submission(*pair, comment="  Thank you  "))
    rating = result.rating
    assert result.created
    assert rating.score == pytest.approx(475 / 7)
    assert rating.respect == pytest.approx(37.5)
    assert rating.responsiveness == pytest.approx(75.0)
    assert (rating.integrity, rating.confidentiality) == (100.0, 100.0)
    assert (rating.fully_helped, rating.asked_money, rating.days_taken) == (False, False, 12)
    assert rating.quarter == rating.month.year * 10 + (rating.month.month - 1) // 3 + 1
    assert count(session, Answer) == 8
    assert rating.comment.original == "Thank you"


def test_a_resubmission_returns_the_stored_rating_and_stores_nothing_new(session, pair):
    sub = submission(*pair)
    first = submit_rating(session, sub)
    again = submit_rating(session, sub)
    assert not again.created
    assert again.rating.id == first.rating.id
    assert count(session, Rating) == 1 and count(session, Answer) == 8


def test_the_same_uuid_with_different_content_is_a_conflict(session, pair):
    sub = submission(*pair)
    submit_rating(session, sub)
    changed = submission(
        *pair, client_uuid=sub.client_uuid, answers={**sub.answers, "overall": "1"}
    )
    with pytest.raises(ConflictingResubmission):
        submit_rating(session, changed)
    assert count(session, Rating) == 1


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"answers": {"respect": "4"}}, "answers.overall", "required"),
        ({"answers_patch": {"respect": "9"}}, "answers.respect", "invalid"),
        ({"answers_patch": {"money": "perhaps"}}, "answers.money", "invalid"),
        ({"answers_patch": {"free_medicine": "yes"}}, "answers.free_medicine", "unknown"),
        ({"stakeholder_id": 10**9}, "stakeholder", "unknown"),
        ({"survivor_id": 10**9}, "survivor", "unknown"),
        ({"service_code": "bribe"}, "service", "unknown"),
        ({"channel": "carrier-pigeon"}, "channel", "invalid"),
        ({"month": dt.date.today() + dt.timedelta(days=40)}, "month", "future"),
        ({"month": dt.date(2001, 1, 1)}, "month", "too_old"),
        ({"comment": "x" * 2001}, "comment", "too_long"),
    ],
)
def test_invalid_submissions_name_the_field_and_write_nothing(
    session, pair, overrides, field, reason
):
    overrides = dict(overrides)  # parameters are shared between backends: never mutate them
    patch = overrides.pop("answers_patch", None)
    sub = submission(*pair, **overrides)
    if patch:
        sub = submission(*pair, answers={**sub.answers, **patch})
    with pytest.raises(InvalidSubmission) as error:
        submit_rating(session, sub)
    assert error.value.errors[field] == reason
    assert count(session, Rating) == 0 and count(session, Answer) == 0
    assert count(session, Comment) == 0


def test_a_revoked_code_cannot_rate(session, pair):
    survivor, stakeholder = pair
    survivor.revoked_at = dt.datetime.now(dt.UTC)
    with pytest.raises(InvalidSubmission) as error:
        submit_rating(session, submission(survivor, stakeholder))
    assert error.value.errors == {"survivor": "revoked"}


def test_dont_know_answers_are_stored_but_not_scored(session, pair):
    answers = {code: "dk" for code in submission(*pair).answers}
    answers["overall"] = "5"
    rating = submit_rating(session, submission(*pair, answers=answers)).rating
    assert rating.score == 100.0
    assert rating.respect is None and rating.days_taken is None


@pytest.fixture
def committed(database_url):
    """A survivor and a stakeholder committed for real, for tests with several connections."""
    app = create_app(make_config(database_url))
    with app.app_context():
        survivor, stakeholder = SurvivorFactory(), StakeholderFactory()
        db.session.commit()
        yield app, survivor.id, stakeholder.id
        db.session.rollback()
        rating_ids = select(Rating.id).where(Rating.survivor_id == survivor.id)
        db.session.execute(delete(Answer).where(Answer.rating_id.in_(rating_ids)))
        db.session.execute(delete(Comment).where(Comment.rating_id.in_(rating_ids)))
        for model in DERIVED_TABLES:
            db.session.execute(delete(model).where(model.stakeholder_id == stakeholder.id))
        db.session.execute(delete(Rating).where(Rating.survivor_id == survivor.id))
        db.session.execute(delete(Survivor).where(Survivor.id == survivor.id))
        db.session.execute(delete(Stakeholder).where(Stakeholder.id == stakeholder.id))
        db.session.commit()
        db.engine.dispose()


def test_concurrent_resubmissions_store_one_rating(committed):
    app, survivor_id, stakeholder_id = committed
    with app.app_context():
        engine = db.engine
        survivor = db.session.get(Survivor, survivor_id)
        stakeholder = db.session.get(Stakeholder, stakeholder_id)
        sub = submission(survivor, stakeholder, client_uuid=uuid.uuid4())
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        with Session(engine) as own:
            barrier.wait()
            try:
                results.append(submit_rating(own, sub).created)
            except Exception as exc:  # noqa: BLE001 - the test reports any failure
                errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    with Session(engine) as check:
        stored = check.scalar(
            select(func.count()).select_from(Rating).where(Rating.client_uuid == sub.client_uuid)
        )
    assert stored == 1


def _derived_snapshot(session) -> dict:
    snapshot = {}
    for model in DERIVED_TABLES:
        keys = [c.name for c in model.__table__.primary_key.columns]
        rows = session.execute(select(model.__table__).order_by(*keys)).mappings().all()
        snapshot[model.__tablename__] = [dict(row) for row in rows]
    return snapshot


def test_derived_quarter_tables_follow_the_ratings(session):
    """What count_rating keeps at write time equals a fresh aggregation of the ratings.

    Survivors rate the same offices several times, leave dimensions unanswered with
    "don't know" and answer every indicator, so each derived column moves.
    """
    survivors = [SurvivorFactory() for _ in range(3)]
    offices = [StakeholderFactory() for _ in range(2)]
    base = submission(survivors[0], offices[0]).answers
    for i in range(11):
        answers = {
            **base,
            "overall": str(1 + i % 5),
            "money": ("yes", "no", "dk")[i % 3],
            "helped": ("yes", "partly", "no")[i % 3],
            "days": str(i % 4 * 5),
        }
        if i % 3 == 0:  # the respect dimension left as "don't know"
            answers["respect"] = "dk"
        if i % 5 == 0:
            answers = {code: "dk" for code in base}  # nothing scored at all
        sub = submission(survivors[i % 3], offices[i % 2], answers=answers)
        submit_rating(session, sub)
    kept = _derived_snapshot(session)
    assert sum(row["submitted"] for row in kept["stakeholder_quarters"]) == 11
    rebuild_derived(session)
    fresh = _derived_snapshot(session)
    assert kept.keys() == fresh.keys()
    for table in kept:
        assert len(kept[table]) == len(fresh[table]), table
        for ours, theirs in zip(kept[table], fresh[table], strict=True):
            assert ours.keys() == theirs.keys()
            for column, value in ours.items():
                assert value == pytest.approx(theirs[column], abs=1e-9), (table, column)


def test_a_batch_that_fails_half_way_is_taken_back_whole(session, monkeypatch):
    """A batch is checked without the write lock, then stored in short transactions. If
    another writer changes something in between (here: a code revoked while the second chunk
    waits), the chunks already stored are removed with their alerts and derived sums."""
    from feedback import services

    monkeypatch.setattr(services, "BATCH_CHUNK", 2)
    office = StakeholderFactory(type_code="police")
    survivors = [SurvivorFactory() for _ in range(5)]
    before = _derived_snapshot(session)
    # Asked for money: each stored rating raises a safeguarding alert that must go too.
    batch = [
        submission(s, office, answers={**submission(s, office).answers, "money": "yes"})
        for s in survivors
    ]
    checks = []
    real_check = services._check

    def check_then_revoke(session_, part, today):  # type: ignore[no-untyped-def]
        checks.append(len(part))
        if len(checks) == 3:  # the whole batch, then chunk one: now chunk two's turn
            survivors[3].revoked_at = dt.datetime.now(dt.UTC)
            session_.flush()
        return real_check(session_, part, today)

    monkeypatch.setattr(services, "_check", check_then_revoke)
    with pytest.raises(InvalidBatch) as refused:
        services.submit_batch(session, batch)
    assert checks == [5, 2, 2] and 3 in refused.value.errors
    assert count(session, Rating) == count(session, Alert) == count(session, Answer) == 0
    assert _derived_snapshot(session) == before
