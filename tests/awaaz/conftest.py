"""Fixtures shared by the API's tests."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.factories import POLICE_ANSWERS, StakeholderFactory, SurvivorFactory


@pytest.fixture
def payload(session):
    survivor = SurvivorFactory()
    office = StakeholderFactory(type_code="police")
    return {
        "client_uuid": str(uuid.uuid4()),
        "survivor_code": survivor.code,
        "stakeholder_id": office.id,
        "service": "safety",
        "month": dt.date.today().strftime("%Y-%m"),
        "answers": dict(POLICE_ANSWERS),
        "language": "bn",
    }
