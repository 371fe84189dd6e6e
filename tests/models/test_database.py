def test_the_sqlite_file_and_its_wal_are_for_their_owner_only(tmp_path):
    """The database holds every rating: no other account on the server may read it."""
    import stat

    from sqlalchemy import create_engine, text

    from models.database import configure_engine

    path = tmp_path / "awaaz.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    configure_engine(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    engine.dispose()
    assert modes["awaaz.sqlite3"] == 0o600 and modes["awaaz.sqlite3-wal"] == 0o600, modes
