"""factory_boy factories over the real models; the session is the test's rolled-back one."""

from __future__ import annotations

import datetime as dt
import uuid

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from awaaz.security.passwords import hash_password
from feedback.services import Submission
from models import (
    Block,
    District,
    Questionnaire,
    Rating,
    Role,
    Service,
    Stakeholder,
    StakeholderType,
    Survivor,
    User,
    quarter_of,
)
from models.codes import generate_code, hash_code
from models.database import db
from models.ratings import count_rating

from .conftest import CODE_KEY

TEST_PASSWORD = "a-long-test-password"


def _one(model, **by):  # type: ignore[no-untyped-def]
    return db.session.scalars(select(model).filter_by(**by)).one()


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    role = Role.STAFF
    password_hash = factory.LazyFunction(lambda: hash_password(TEST_PASSWORD))


class StakeholderFactory(Base):
    class Meta:
        model = Stakeholder

    class Params:
        type_code = "police"
        block_name = "Basanti"

    name = factory.Sequence(lambda n: f"Test office {n}")
    type = factory.LazyAttribute(lambda o: _one(StakeholderType, code=o.type_code))
    block = factory.LazyAttribute(lambda o: _one(Block, name=o.block_name))
    district = factory.LazyAttribute(lambda o: o.block.district)


class SurvivorFactory(Base):
    """A survivor; `code` (never stored) is set on the instance so tests can sign in with it."""

    class Meta:
        model = Survivor

    block = factory.LazyFunction(lambda: _one(Block, name="Basanti"))
    district = factory.LazyAttribute(lambda o: o.block.district)

    @classmethod
    def _create(cls, model_class, *args, code=None, **kwargs):  # type: ignore[no-untyped-def]
        code = code or generate_code()
        kwargs["code_hash"] = hash_code(CODE_KEY, code.replace("-", ""))
        survivor = super()._create(model_class, *args, **kwargs)
        survivor.code = code
        return survivor


POLICE_ANSWERS = {
    "respect": "4",
    "complaint_written": "yes",
    "woman_officer": "no",
    "private": "yes",
    "money": "no",
    "helped": "partly",
    "days": "12",
    "overall": "3",
}


def submission(survivor: Survivor, stakeholder: Stakeholder, **overrides) -> Submission:  # type: ignore[no-untyped-def]
    values = {
        "client_uuid": uuid.uuid4(),
        "survivor_id": survivor.id,
        "stakeholder_id": stakeholder.id,
        "service_code": "safety",
        "month": dt.date.today().replace(day=1),
        "channel": "kiosk",
        "answers": dict(POLICE_ANSWERS),
    }
    values.update(overrides)
    return Submission(**values)


def district(name: str = "South 24 Parganas") -> District:
    return _one(District, name=name)


def rate(
    stakeholder: Stakeholder,
    survivor: Survivor,
    score: float,
    month: dt.date = dt.date(2026, 8, 1),
    service_code: str = "safety",
    **columns,
) -> Rating:  # type: ignore[no-untyped-def]
    """A rating with a given derived score, for engine tests (the write path has its own)."""
    from models import Rating

    rating = Rating(
        client_uuid=uuid.uuid4(),
        survivor=survivor,
        stakeholder=stakeholder,
        service=_one(Service, code=service_code),
        questionnaire=db.session.scalars(
            select(Questionnaire).filter_by(type_id=stakeholder.type_id, active=True)
        ).one(),
        month=month,
        quarter=quarter_of(month),
        channel="kiosk",
        payload_digest="0" * 64,
        score=score,
        **columns,
    )
    db.session.add(rating)
    db.session.flush()
    count_rating(db.session, rating)
    return rating
