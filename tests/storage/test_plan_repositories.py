"""Claiming due plan items and recording deliveries, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage.database import Database
from storage.models import Person, PersonSchedule, Relationship
from storage.scheduling import advance, release_claim
from tests.storage.helpers import new_person, race

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def relationship(db: Database, person_id: int, name: str, due: datetime | None) -> int:
    with db.unit_of_work() as uow:
        row = uow.plan.relationships.add(
            person_id=person_id,
            values={
                "name": name,
                "kind": "person",
                "constituency": "staff",
                "cadence": "weekly",
                "success_measures": [],
                "next_due_at": due,
            },
            at=NOW - timedelta(days=7),
        )
        return row.id


def set_person(db: Database, person_id: int, **values: object) -> None:
    with db.unit_of_work() as uow:
        person = uow.session.get(Person, person_id)
        assert person is not None
        for name, value in values.items():
            setattr(person, name, value)


class TestClaimingNudges:
    def test_only_due_relationships_of_reachable_people_who_want_each_nudge(
        self, any_database: Database
    ) -> None:
        _, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        _, cat = new_person(any_database, user="U-cat")
        due = relationship(any_database, ana, "due", NOW - timedelta(hours=1))
        relationship(any_database, ana, "later", NOW + timedelta(minutes=1))
        relationship(any_database, ana, "paused", None)
        relationship(any_database, ben, "in a digest", NOW)
        relationship(any_database, cat, "unreachable", NOW)
        set_person(any_database, ben, nudge_mode="daily")
        set_person(any_database, cat, unreachable_since=NOW, unreachable_reason="user_not_found")
        with any_database.unit_of_work() as uow:
            claimed = uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=10)
        assert [(c.item_id, c.person_id, c.due_at) for c in claimed] == [
            (due, ana, NOW - timedelta(hours=1))
        ]
        with any_database.unit_of_work() as uow:  # held for the lease
            assert uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=10) == []
            assert [r.name for r in uow.plan.relationships.due_for(person_id=ben, now=NOW)] == [
                "in a digest"
            ]

    def test_the_earliest_due_first_and_no_more_than_the_limit(
        self, any_database: Database
    ) -> None:
        _, ana = new_person(any_database, user="U-ana")
        ids = [
            relationship(any_database, ana, f"r{n}", NOW - timedelta(minutes=n)) for n in range(5)
        ]
        with any_database.unit_of_work() as uow:
            claimed = uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=2)
        assert {c.item_id for c in claimed} == {ids[4], ids[3]}

    def test_advancing_is_compare_and_set_on_the_claimed_due_time(
        self, any_database: Database
    ) -> None:
        _, ana = new_person(any_database, user="U-ana")
        rid = relationship(any_database, ana, "r", NOW)
        with any_database.unit_of_work() as uow:
            [claimed] = uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=5)
        snoozed = NOW + timedelta(days=2)
        with any_database.unit_of_work() as uow:  # the person snoozes meanwhile
            row = uow.session.get(Relationship, rid)
            assert row is not None
            row.next_due_at = snoozed
        with any_database.unit_of_work() as uow:
            moved = advance(
                uow.session,
                Relationship,
                item_id=rid,
                claimed_due_at=claimed.due_at,
                next_due_at=NOW + timedelta(days=7),
            )
        assert not moved
        with any_database.unit_of_work() as uow:
            row = uow.session.get(Relationship, rid)
            assert row is not None
            assert (row.next_due_at, row.claimed_until) == (snoozed, None)

    def test_a_released_claim_waits_until_its_retry_time(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        rid = relationship(any_database, ana, "r", NOW)
        with any_database.unit_of_work() as uow:
            uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=5)
            release_claim(uow.session, Relationship, item_id=rid, until=NOW + timedelta(seconds=30))
        with any_database.unit_of_work() as uow:
            relationships = uow.plan.relationships
            assert relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=5) == []
            later = NOW + timedelta(seconds=31)
            assert [
                c.item_id for c in relationships.claim_due_nudges(now=later, lease=LEASE, limit=5)
            ] == [rid]

    def test_two_workers_never_claim_the_same_relationship(self, any_database: Database) -> None:
        people = [new_person(any_database, user=f"U-{n}")[1] for n in range(10)]
        for person in people:
            for n in range(3):
                relationship(any_database, person, f"r{n}", NOW)
        claims = race(
            any_database,
            4,
            lambda uow: uow.plan.relationships.claim_due_nudges(now=NOW, lease=LEASE, limit=10),
        )
        claimed = [item.item_id for batch in claims for item in batch]
        assert len(claimed) == len(set(claimed)) == 30


class TestOtherSchedules:
    def test_done_action_items_are_not_claimed(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        with any_database.unit_of_work() as uow:
            actions = uow.plan.actions
            actions.add(
                person_id=ana,
                values={"what": "open", "due_on": date(2026, 11, 23), "source": "plan"},
                at=NOW,
            ).next_due_at = NOW
            done = actions.add(
                person_id=ana,
                values={"what": "done", "due_on": date(2026, 11, 23), "source": "plan"},
                at=NOW,
            )
            done.next_due_at, done.done_at = NOW, NOW
        with any_database.unit_of_work() as uow:
            claimed = uow.plan.actions.claim_due(now=NOW, lease=LEASE, limit=10)
            [item] = claimed
            action = uow.plan.actions.get(person_id=ana, action_id=item.item_id)
            assert action is not None
            assert action.what == "open"

    def test_person_schedules_are_claimed_by_due_time(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        with any_database.unit_of_work() as uow:
            uow.plan.schedules.set(person_id=ana, kind="digest", next_due_at=NOW)
            uow.plan.schedules.set(person_id=ana, kind="balance", next_due_at=None)  # switched off
        with any_database.unit_of_work() as uow:
            [item] = uow.plan.schedules.claim_due(now=NOW, lease=LEASE, limit=10)
            schedule = uow.session.get(PersonSchedule, item.item_id)
            assert schedule is not None
            assert schedule.kind == "digest"


class TestDeliveries:
    def test_one_row_per_occurrence_however_often_it_is_begun(self, any_database: Database) -> None:
        _, ana = new_person(any_database, user="U-ana")
        occurrence = NOW.isoformat()
        with any_database.unit_of_work() as uow:
            first = uow.plan.deliveries.begin(
                kind="nudge", item_id=7, occurrence=occurrence, person_id=ana, at=NOW
            )
            uow.plan.deliveries.record(
                delivery_id=first.id, status="retrying", at=NOW, error="internal_error"
            )
        with any_database.unit_of_work() as uow:
            again = uow.plan.deliveries.begin(
                kind="nudge", item_id=7, occurrence=occurrence, person_id=ana, at=NOW
            )
            assert again.id == first.id
            assert (again.status, again.attempts) == ("retrying", 1)
            [row] = uow.plan.deliveries.for_person(person_id=ana)
            assert row.error == "internal_error"
            uow.plan.deliveries.record(
                delivery_id=again.id, status="sent", at=NOW, message_ts="1700000000.000001"
            )
            uow.plan.deliveries.begin(
                kind="nudge", item_id=7, occurrence="next", person_id=ana, at=NOW
            )
        with any_database.unit_of_work() as uow:
            rows = uow.plan.deliveries.for_person(person_id=ana)
            assert [(r.occurrence, r.status, r.attempts) for r in rows] == [
                (occurrence, "sent", 2),
                ("next", "pending", 0),
            ]
            assert rows[0].error is None

    def test_two_workers_beginning_the_same_occurrence_share_one_row(
        self, any_database: Database
    ) -> None:
        _, ana = new_person(any_database, user="U-ana")
        rows = race(
            any_database,
            3,
            lambda uow: (
                uow.plan.deliveries.begin(
                    kind="nudge", item_id=1, occurrence="x", person_id=ana, at=NOW
                ).id
            ),
        )
        assert len(set(rows)) == 1
