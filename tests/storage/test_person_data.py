"""A person's data found through the foreign keys: every table covered, all of theirs exported,
none of anyone else's, and all of it deleted when they are forgotten (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from content import Content
from storage import person_data
from storage.crypto import Keyring, configure_text_encryption, text_keyring
from storage.database import Database
from storage.models import Base
from storage.person_data import NOT_THEIRS, PEOPLE, OwnershipUnclear, ownership
from tests.storage.helpers import new_person

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def reachable_from_people(metadata: MetaData) -> set[str]:
    """Every table with a path of foreign keys (child to parent) that ends at `people`."""
    found = {PEOPLE}
    grew = True
    while grew:
        grew = False
        for table in metadata.tables.values():
            if table.name in found:
                continue
            if any(key.column.table.name in found for key in table.foreign_keys):
                found.add(table.name)
                grew = True
    return found - {PEOPLE}


# ----- the tables -------------------------------------------------------------------------


def test_every_table_with_a_path_to_people_is_exported_or_named_as_not_theirs() -> None:
    covered = {owned.name for owned in ownership(Base.metadata)}
    reachable = reachable_from_people(Base.metadata)
    assert covered | set(NOT_THEIRS) == reachable, (
        "decide whose rows a new table holds: give it a person_id, or add it to NOT_THEIRS"
    )
    assert not covered & set(NOT_THEIRS)
    assert set(NOT_THEIRS) <= reachable, "NOT_THEIRS names a table that no longer leads to people"
    # The ones this design is about, spelled out once so a change to them is seen.
    assert {"answer_revisions", "maturity_ratings", "team_replies", "deliveries"} <= covered
    assert "team_posts" in NOT_THEIRS


def test_every_foreign_key_on_the_way_to_people_cascades_or_lets_go() -> None:
    """Deleting a person's row (or a workspace's) alone also takes every row of theirs: the
    database does it, not only the code that forgets them."""
    owned = {row.name for row in ownership(Base.metadata)} | {PEOPLE}
    for table in Base.metadata.tables.values():
        for key in table.foreign_keys:
            if key.column.table.name not in owned:
                continue
            rule = (key.ondelete or "").upper()
            where = f"{table.name}.{key.parent.name}"
            if table.name == "team_subscriptions":
                assert rule == "SET NULL", where  # the channel's prompt stays, stopped
                assert key.parent.nullable, where
            else:
                assert rule == "CASCADE", where


def test_each_kind_that_is_deleted_has_words(content: Content) -> None:
    assert set(content.privacy.kinds) == set(person_data.deleted_kinds())
    detached = {owned.name for owned in ownership(Base.metadata) if owned.detached}
    assert detached == {"team_subscriptions"}


def copy_of_the_schema() -> MetaData:
    copy = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def test_a_new_table_with_a_person_id_joins_by_itself() -> None:
    schema = copy_of_the_schema()
    Table(
        "goals",
        schema,
        Column("id", Integer, primary_key=True),
        Column("person_id", ForeignKey("people.id", ondelete="CASCADE")),
    )
    Table(
        "goal_notes",
        schema,
        Column("id", Integer, primary_key=True),
        Column("goal_id", ForeignKey("goals.id", ondelete="CASCADE")),
    )
    plan = {owned.name: owned for owned in ownership(schema)}
    assert plan["goals"].parent is None
    parent = plan["goal_notes"].parent
    assert parent is not None
    assert parent.name == "goals"


@pytest.mark.parametrize(
    ("columns", "says"),
    [
        # Whose is a row that names two people?
        (
            (
                Column("author_id", ForeignKey("people.id")),
                Column("reader_id", ForeignKey("people.id")),
            ),
            "2 foreign keys to people",
        ),
        # Under a channel's prompt, which stays when its subscriber goes.
        ((Column("subscription_id", ForeignKey("team_subscriptions.id")),), "NOT_THEIRS"),
        # Through two parents of the person's.
        (
            (
                Column("answer_id", ForeignKey("answers.id")),
                Column("relationship_id", ForeignKey("relationships.id")),
            ),
            "through which",
        ),
    ],
)
def test_a_table_whose_owner_is_unclear_must_be_decided(
    columns: tuple[Column[Any], ...], says: str
) -> None:
    schema = copy_of_the_schema()
    Table("puzzle", schema, Column("id", Integer, primary_key=True), *columns)
    with pytest.raises(OwnershipUnclear, match=says):
        ownership(schema)


# ----- one row in every table, for three people ------------------------------------------


@pytest.fixture
def encrypted_text() -> Iterator[Keyring]:
    """Private text encrypted at rest for the test, as LANTERN_ENCRYPT_TEXT does."""
    before = text_keyring()
    keyring = Keyring([Keyring.generate()])
    configure_text_encryption(keyring, encrypt_new_text=True)
    yield keyring
    configure_text_encryption(before, encrypt_new_text=False)


def a_value(column: Column[Any], tag: str) -> Any:
    """A value of the column's type that names whose row it is."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):  # UTCDateTime, PrivateText: what they store
        column_type = column_type.impl_instance
    kind = column_type.python_type
    if kind is bool:
        return True
    if kind is int:
        return 7
    if kind is datetime:
        return NOW
    if kind is date:
        return NOW.date()
    if kind is dict or isinstance(column_type, JSON):
        return {"whose": tag}
    length = getattr(column_type, "length", None) or 200
    return f"{tag}:{column.name}"[:length]


def seed(session: Session, person_id: int, workspace_id: int, tag: str) -> dict[str, list[int]]:
    """One row in every table that leads to `people`, each column filled, every foreign key
    pointing at this person's rows (or workspace)."""
    rows: dict[str, list[int]] = {PEOPLE: [person_id]}
    wanted = reachable_from_people(Base.metadata)
    for table in Base.metadata.sorted_tables:
        if table.name not in wanted:
            continue
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.primary_key:
                continue
            keys = list(column.foreign_keys)
            if keys:
                parent = keys[0].column.table.name
                values[column.name] = workspace_id if parent == "workspaces" else rows[parent][0]
            else:
                values[column.name] = a_value(column, tag)
        if table.name == "self_assessments":
            values["finished_at"] = None  # one in progress per person and kind: fine, one each
        new_id = session.execute(insert(table).values(values).returning(table.c.id)).scalar_one()
        rows[table.name] = [new_id]
    return rows


def seeded_world(db: Database) -> dict[str, dict[str, list[int]]]:
    """Ana and Ben in one workspace, and someone with Ana's user id in another workspace,
    each with a row in every table; Ben also replied under Ana's channel's prompt."""
    ana_workspace, ana = new_person(db, workspace="T1", user="U-ana")
    _, ben = new_person(db, workspace="T1", user="U-ben")
    other_workspace, twin = new_person(db, workspace="T2", user="U-ana")
    with db.unit_of_work() as uow:
        world = {
            "ana": seed(uow.session, ana, ana_workspace, "ana"),
            "ben": seed(uow.session, ben, ana_workspace, "ben"),
            "twin": seed(uow.session, twin, other_workspace, "twin"),
        }
        replies = Base.metadata.tables["team_replies"]
        reply_to_ana = uow.session.execute(
            insert(replies)
            .values(
                post_id=world["ana"]["team_posts"][0],
                person_id=ben,
                message_ts="ben-under-ana",
                text="Ben's words under Ana's prompt",
                created_at=NOW,
            )
            .returning(replies.c.id)
        ).scalar_one()
        world["ben"]["team_replies"].append(reply_to_ana)
    return world


def test_the_export_holds_all_of_a_persons_rows_and_nobody_elses(
    any_database: Database, encrypted_text: Keyring
) -> None:
    world = seeded_world(any_database)
    ana = world["ana"][PEOPLE][0]
    with any_database.unit_of_work() as uow:
        exported = person_data.collect(uow.session, ana)
        raw = uow.session.execute(
            text("SELECT text FROM reflections WHERE id = :id"),
            {"id": world["ana"]["reflections"][0]},
        ).scalar_one()

    assert exported["workspace"] == {"platform": "slack", "external_id": "T1"}
    assert exported["person"]["id"] == ana
    assert exported["person"]["external_id"] == "U-ana"
    tables = exported["tables"]
    assert set(tables) == {owned.name for owned in ownership(Base.metadata)}
    for name, rows in tables.items():
        assert [row["id"] for row in rows] == world["ana"][name], name
        for row in rows:
            for column, value in row.items():
                assert "ben" not in str(value), (name, column)
                assert "twin" not in str(value), (name, column)
    assert "team_posts" not in tables  # the channel's, not Ana's
    # Private text is stored encrypted, and exported as she wrote it.
    assert raw.startswith("enc1:")
    [reflection] = tables["reflections"]
    assert reflection["text"] == "ana:text"
    # Times in ISO 8601, JSON as JSON.
    assert reflection["created_at"] == NOW.isoformat()
    [checkin] = tables["checkins"]
    assert checkin["happened_on"] == NOW.date().isoformat()
    assert checkin["measures"] == {"whose": "ana"}


def count_rows(db: Database, ids: dict[str, list[int]]) -> dict[str, int]:
    """How many of these rows (by table and id) are still stored, counted by SQL."""
    found = {}
    with db.unit_of_work() as uow:
        for name, row_ids in ids.items():
            table = Base.metadata.tables[name]
            found[name] = int(
                uow.session.scalar(
                    select(func.count()).select_from(table).where(table.c.id.in_(row_ids))
                )
                or 0
            )
    return found


def test_forgetting_deletes_every_row_of_theirs_and_nothing_of_anyone_else(
    any_database: Database, encrypted_text: Keyring
) -> None:
    world = seeded_world(any_database)
    ana = world["ana"][PEOPLE][0]
    everyone_else = {**world["ben"]}
    before = {name: len(ids) for name, ids in everyone_else.items()}

    with any_database.unit_of_work() as uow:
        assert person_data.counts(uow.session, ana)["team_replies"] == 1  # not Ben's under hers
        deleted = person_data.delete_person(uow.session, ana)

    assert deleted == dict.fromkeys(person_data.deleted_kinds(), 1)
    left = count_rows(any_database, world["ana"])
    kept_for_the_channel = {"team_subscriptions", "team_posts"}
    assert {name for name, count in left.items() if count} == kept_for_the_channel
    with any_database.unit_of_work() as uow:
        subscriptions = Base.metadata.tables["team_subscriptions"]
        owner = uow.session.scalar(
            select(subscriptions.c.person_id).where(
                subscriptions.c.id == world["ana"]["team_subscriptions"][0]
            )
        )
        assert owner is None
        assert person_data.counts(uow.session, ana) == dict.fromkeys(
            (owned.name for owned in ownership(Base.metadata)), 0
        )
    assert count_rows(any_database, everyone_else) == before  # Ben's reply under hers too
    assert count_rows(any_database, world["twin"]) == {n: len(i) for n, i in world["twin"].items()}


def test_a_person_already_forgotten_cannot_be_forgotten_again(any_database: Database) -> None:
    _, ana = new_person(any_database)
    with any_database.unit_of_work() as uow:
        person_data.delete_person(uow.session, ana)
    with any_database.unit_of_work() as uow, pytest.raises(person_data.PersonGone):
        person_data.delete_person(uow.session, ana)
