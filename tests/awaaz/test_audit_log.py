"""The audit log is append-only in the database itself (SPEC §2.5)."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from models.audit import record


def test_the_database_refuses_to_change_or_delete_audit_events(session):
    event = record(session, "test.event", detail={"n": 1})
    session.flush()
    for statement in (
        "UPDATE audit_events SET action = 'forged' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement), {"id": event.id})
    assert session.get(type(event), event.id).action == "test.event"
