"""Checklist ticks, work records and toolkit reminders, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text

from storage.database import Database
from storage.models import Person, ToolkitReminder
from storage.scheduling import advance
from tests.storage.helpers import new_person, race

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


class TestChecklist:
    def test_tick_untick_and_scope(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        with any_database.unit_of_work() as uow:
            for _ in range(2):  # ticking twice is still one tick
                uow.repos.checklist.set_ticked(
                    person_id=ana, step_id="step-1", item_id="a", ticked=True, at=NOW
                )
            uow.repos.checklist.set_ticked(
                person_id=ana, step_id="step-2", item_id="b", ticked=True, at=NOW
            )
        with any_database.unit_of_work() as uow:
            assert uow.repos.checklist.ticked(person_id=ana) == {("step-1", "a"), ("step-2", "b")}
            assert uow.repos.checklist.ticked(person_id=ana, step_id="step-1") == {("step-1", "a")}
            assert uow.repos.checklist.ticked(person_id=ben) == set()
            uow.repos.checklist.set_ticked(
                person_id=ana, step_id="step-1", item_id="a", ticked=False, at=NOW
            )
        with any_database.unit_of_work() as uow:
            assert uow.repos.checklist.ticked(person_id=ana) == {("step-2", "b")}


class TestWork:
    def test_add_list_replace_and_remove_only_ones_own(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        with any_database.unit_of_work() as uow:
            first = uow.repos.work.add(
                person_id=ana, section_id="venn", data={"label": "1:1 devices"}, at=NOW
            )
            uow.repos.work.add(
                person_id=ana, section_id="venn", data={"label": "makerspace"}, at=NOW
            )
            uow.repos.work.replace_single(
                person_id=ana, section_id="chosen-area", data={"title": "A"}, at=NOW
            )
            uow.repos.work.replace_single(
                person_id=ana, section_id="chosen-area", data={"title": "B"}, at=NOW
            )
            uow.session.flush()
            first_id = first.id
        with any_database.unit_of_work() as uow:
            labels = [
                r.data["label"] for r in uow.repos.work.records(person_id=ana, section_id="venn")
            ]
            assert labels == ["1:1 devices", "makerspace"]
            chosen = uow.repos.work.records(person_id=ana, section_id="chosen-area")
            assert [r.data for r in chosen] == [{"title": "B"}]
            assert not uow.repos.work.remove(person_id=ben, record_id=first_id)
            assert uow.repos.work.remove(person_id=ana, record_id=first_id)
        with any_database.unit_of_work() as uow:
            assert len(uow.repos.work.records(person_id=ana)) == 2


class TestReminders:
    def test_claim_only_what_is_due_and_not_already_claimed(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        with any_database.unit_of_work() as uow:
            uow.repos.reminders.set(person_id=ana, every_days=3, next_due_at=NOW)
            uow.repos.reminders.set(
                person_id=ben, every_days=3, next_due_at=NOW + timedelta(days=1)
            )
        lease = timedelta(minutes=5)
        with any_database.unit_of_work() as uow:
            claimed = uow.repos.reminders.claim_due(now=NOW, lease=lease, limit=10)
        assert [(item.person_id, item.due_at) for item in claimed] == [(ana, NOW)]
        with any_database.unit_of_work() as uow:
            assert uow.repos.reminders.claim_due(now=NOW, lease=lease, limit=10) == []
        later = NOW + timedelta(minutes=6)  # the lease ran out: a crashed claim is retried
        with any_database.unit_of_work() as uow:
            again = uow.repos.reminders.claim_due(now=later, lease=lease, limit=10)
        assert again == claimed
        with any_database.unit_of_work() as uow:
            moved = advance(
                uow.session,
                ToolkitReminder,
                item_id=again[0].item_id,
                claimed_due_at=again[0].due_at,
                next_due_at=NOW + timedelta(days=3),
            )
        assert moved
        with any_database.unit_of_work() as uow:
            reminder = uow.repos.reminders.get(person_id=ana)
            assert reminder is not None
            assert reminder.claimed_until is None
            assert reminder.next_due_at == NOW + timedelta(days=3)

    def test_people_who_cannot_be_reached_are_not_claimed(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        with any_database.unit_of_work() as uow:
            uow.repos.reminders.set(person_id=ana, every_days=3, next_due_at=NOW)
            person = uow.session.get(Person, ana)
            assert person is not None
            person.unreachable_since = NOW
        lease = timedelta(minutes=5)
        with any_database.unit_of_work() as uow:
            assert uow.repos.reminders.claim_due(now=NOW, lease=lease, limit=10) == []

    def test_two_workers_never_claim_the_same_reminder(self, any_database: Database) -> None:
        people = [new_person(any_database, user=f"U-{n}")[1] for n in range(20)]
        with any_database.unit_of_work() as uow:
            for person in people:
                uow.repos.reminders.set(person_id=person, every_days=3, next_due_at=NOW)
        claims = race(
            any_database,
            4,
            lambda uow: uow.repos.reminders.claim_due(now=NOW, lease=timedelta(minutes=5), limit=8),
        )
        claimed = [item.item_id for batch in claims for item in batch]
        assert len(claimed) == len(set(claimed)) == 20


def test_the_toolkit_migration_upgrades_a_database_holding_data(any_database: Database) -> None:
    command.downgrade(any_database.alembic_config(), "0001")
    # Written as the first schema's SQL: today's models have columns 0001 did not.
    with any_database.unit_of_work() as uow:
        uow.session.execute(
            text(
                "INSERT INTO workspaces (platform, external_id, created_at) "
                "VALUES ('slack', 'T1', :at)"
            ),
            {"at": NOW},
        )
        ana = uow.session.execute(
            text(
                "INSERT INTO people (workspace_id, external_id, created_at) "
                "SELECT id, 'U-ana', :at FROM workspaces RETURNING id"
            ),
            {"at": NOW},
        ).scalar_one()
    with any_database.unit_of_work() as uow:
        uow.repos.reflections.add(person_id=ana, text="kept", prompt=None, source="command", at=NOW)
    any_database.upgrade()
    with any_database.unit_of_work() as uow:
        assert [r.text for r in uow.repos.reflections.recent(person_id=ana, limit=5)] == ["kept"]
        uow.repos.work.add(person_id=ana, section_id="venn", data={"label": "x"}, at=NOW)
        assert uow.session.execute(text("SELECT count(*) FROM work_records")).scalar() == 1
