"""The PostgreSQL the store's tests run on is a real server, and each test's database its own."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests import postgres


def test_the_server_is_postgresql(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://")
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            version = connection.execute(sa.text("SELECT version()")).scalar_one()
    finally:
        engine.dispose()
    assert str(version).startswith("PostgreSQL ")


def test_rows_written_in_one_connection_are_read_in_another(postgres_database: str) -> None:
    engine = sa.create_engine(postgres_database)
    metadata = sa.MetaData()
    shops = sa.Table(
        "shops",
        metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("jobs_per_week", sa.Float, nullable=False),
    )
    try:
        with engine.begin() as writer:
            metadata.create_all(writer)
            writer.execute(
                shops.insert(),
                [{"id": "GA", "jobs_per_week": 100.0}, {"id": "PA", "jobs_per_week": 80.5}],
            )
        # A second connection sees only what the first committed: a server, not one process's
        # memory.
        with engine.connect() as first, engine.connect() as second:
            rows = second.execute(sa.select(shops).order_by(shops.c.id)).all()
            assert [tuple(row) for row in rows] == [("GA", 100.0), ("PA", 80.5)]
            first.execute(shops.insert().values(id="WE", jobs_per_week=60.0))
            assert second.execute(sa.select(sa.func.count()).select_from(shops)).scalar_one() == 2
            first.commit()
            assert second.execute(sa.select(sa.func.count()).select_from(shops)).scalar_one() == 3
    finally:
        engine.dispose()


def test_each_database_is_its_own(postgres_url: str, postgres_database: str) -> None:
    other = postgres.create_database(postgres_url)
    try:
        assert sa.make_url(other).database != sa.make_url(postgres_database).database
        first = sa.create_engine(postgres_database)
        second = sa.create_engine(other)
        try:
            with first.begin() as connection:
                connection.execute(sa.text("CREATE TABLE only_here (n integer)"))
            with second.connect() as connection:
                tables = sa.inspect(connection).get_table_names()
            assert tables == []
        finally:
            first.dispose()
            second.dispose()
    finally:
        postgres.drop_database(postgres_url, other)
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as connection:
            names = connection.execute(sa.text("SELECT datname FROM pg_database")).scalars().all()
    finally:
        engine.dispose()
    assert sa.make_url(other).database not in names
    assert sa.make_url(postgres_database).database in names


def test_without_initdb_the_message_says_to_run_make_postgres(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(postgres, "DEBIAN_ROOT", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(postgres.PostgresNotFoundError, match="run `make postgres`"):
        postgres.find_binaries()


def test_the_newest_version_is_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for version in ["9.6", "10", "15"]:
        bin_dir = tmp_path / version / "bin"
        bin_dir.mkdir(parents=True)
        for program in ["initdb", "pg_ctl"]:
            (bin_dir / program).touch()
    monkeypatch.setattr(postgres, "DEBIAN_ROOT", tmp_path)
    assert postgres.find_binaries().initdb == tmp_path / "15" / "bin" / "initdb"
