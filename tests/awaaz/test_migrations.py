"""Migrations: upgrade → downgrade → upgrade on each database, and models match the schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from awaaz.ops import migrate
from models import Base
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["sqlite", *(["postgresql"] if POSTGRES_URL else [])])
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
        yield engine
        engine.dispose()
        return
    # A schema of its own, so the shared test database is left alone.
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
        conn.execute(text("CREATE SCHEMA migration_test"))
    engine = create_engine(POSTGRES_URL, connect_args={"options": "-csearch_path=migration_test"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA migration_test CASCADE"))
        conn.execute(text("DROP FUNCTION IF EXISTS migration_test.awaaz_audit_append_only()"))
    admin.dispose()


def tables(engine):
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_engine):
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    assert tables(empty_engine) == set(Base.metadata.tables)
    migrate.downgrade(empty_engine, "base")
    assert tables(empty_engine) == set()
    migrate.upgrade(empty_engine)
    assert tables(empty_engine) == set(Base.metadata.tables)


def test_the_models_and_the_migrations_describe_the_same_schema(empty_engine):
    migrate.upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
