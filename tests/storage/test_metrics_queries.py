"""The backlog /metrics reports: due rows no worker holds, the same rows the claims would take."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from storage.database import Database, UnitOfWork
from storage.metrics_queries import due_backlog
from storage.models import (
    ActionItem,
    Person,
    PersonSchedule,
    Relationship,
    TeamSubscription,
    ToolkitReminder,
    Workspace,
)
from tests.storage.helpers import new_person

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
DUE = NOW - timedelta(hours=1)
LATER = NOW + timedelta(minutes=1)
TABLES = (
    "action_items",
    "person_schedules",
    "relationships",
    "team_subscriptions",
    "toolkit_reminders",
)


def add_items(db: Database, person_id: int, workspace_id: int, due: datetime | None) -> None:
    """One row of every schedulable table for this person, each next due at `due`."""
    with db.unit_of_work() as uow:
        uow.session.add_all(
            [
                Relationship(
                    person_id=person_id,
                    name="Board chair",
                    kind="person",
                    constituency="governing",
                    cadence="weekly",
                    success_measures=[],
                    next_due_at=due,
                ),
                ActionItem(
                    person_id=person_id,
                    what="Send the agenda",
                    due_on=date(2026, 11, 23),
                    source="plan",
                    next_due_at=due,
                ),
                PersonSchedule(person_id=person_id, kind="balance", next_due_at=due),
                ToolkitReminder(person_id=person_id, every_days=3, next_due_at=due),
                TeamSubscription(
                    workspace_id=workspace_id,
                    channel_id=f"C{person_id}",
                    person_id=person_id,
                    weekday=1,
                    post_minute=9 * 60,
                    time_zone="America/Chicago",
                    next_due_at=due,
                ),
            ]
        )


def backlog(db: Database, now: datetime = NOW) -> dict[str, int]:
    with db.unit_of_work() as uow:
        return due_backlog(uow.session, now=now)


def claim_everything(uow: UnitOfWork, now: datetime) -> dict[str, int]:
    """What the worker's claims take, table by table (no limit that matters)."""
    claims = {
        "relationships": uow.plan.relationships.claim_due_nudges,
        "action_items": uow.plan.actions.claim_due,
        "person_schedules": uow.plan.schedules.claim_due,
        "toolkit_reminders": uow.repos.reminders.claim_due,
        "team_subscriptions": uow.team.subscriptions.claim_due,
    }
    return {
        table: len(claim(now=now, lease=LEASE, limit=10_000)) for table, claim in claims.items()
    }


def test_an_empty_database_reports_every_table_at_zero(any_database: Database) -> None:
    assert backlog(any_database) == dict.fromkeys(TABLES, 0)


def test_only_due_rows_of_installed_workspaces_are_counted(any_database: Database) -> None:
    workspace, ana = new_person(any_database, workspace="T1", user="U-ana")
    add_items(any_database, ana, workspace, DUE)
    _, ben = new_person(any_database, workspace="T1", user="U-ben")
    add_items(any_database, ben, workspace, LATER)  # not yet due
    _, cat = new_person(any_database, workspace="T1", user="U-cat")
    add_items(any_database, cat, workspace, None)  # paused
    gone_workspace, dan = new_person(any_database, workspace="T-gone", user="U-dan")
    add_items(any_database, dan, gone_workspace, DUE)
    with any_database.unit_of_work() as uow:
        gone = uow.session.get(Workspace, gone_workspace)
        assert gone is not None
        gone.uninstalled_at = NOW - timedelta(days=1)

    assert backlog(any_database) == dict.fromkeys(TABLES, 1)
    assert backlog(any_database, LATER) == dict.fromkeys(TABLES, 2)


def test_the_count_is_what_the_claims_take_and_claimed_rows_leave_it(
    any_database: Database,
) -> None:
    """Rows no claim takes (a digest person's relationships, a done action, people who cannot
    be reached) are not a backlog; a claimed row is not one until its lease runs out."""
    workspace, ana = new_person(any_database, user="U-ana")
    add_items(any_database, ana, workspace, DUE)
    _, ben = new_person(any_database, user="U-ben")
    add_items(any_database, ben, workspace, DUE)
    _, cat = new_person(any_database, user="U-cat")
    add_items(any_database, cat, workspace, DUE)
    with any_database.unit_of_work() as uow:
        digest_person = uow.session.get(Person, ben)
        unreachable = uow.session.get(Person, cat)
        assert digest_person is not None
        assert unreachable is not None
        digest_person.nudge_mode = "daily"
        unreachable.unreachable_since = NOW - timedelta(days=2)
        done = uow.session.scalars(select(ActionItem).where(ActionItem.person_id == ana)).one()
        done.done_at = NOW - timedelta(hours=2)

    before = backlog(any_database)
    with any_database.unit_of_work() as uow:
        claimed = claim_everything(uow, NOW)

    assert before == claimed
    assert before == {
        "action_items": 1,  # ben's: ana's is done, cat cannot be reached
        "person_schedules": 2,
        "relationships": 1,  # ana's: ben gets a digest
        "team_subscriptions": 3,  # a channel's post does not depend on its subscriber
        "toolkit_reminders": 2,
    }
    assert backlog(any_database) == dict.fromkeys(TABLES, 0)
    assert backlog(any_database, NOW + LEASE + timedelta(seconds=1)) == before
