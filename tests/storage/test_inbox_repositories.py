"""The inbox and outbox queues: only the head of a person's queue is claimed, by one claimant
at a time, whatever the number of processes racing for it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database, UnitOfWork
from storage.inbox_repositories import ClaimedMessage, ClaimedTurn
from tests.storage.helpers import race

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def _turns(db: Database, key: str, count: int) -> list[int]:
    with db.unit_of_work() as uow:
        return [
            uow.inbox.add(person_key=key, platform="slack", inbound="{}", reply_to={}, at=NOW)
            for _ in range(count)
        ]


def test_one_of_many_racing_claimants_gets_the_head_of_a_persons_turns(
    any_database: Database,
) -> None:
    first, _second = _turns(any_database, "slack:T1:U1", 2)

    def claim(uow: UnitOfWork) -> ClaimedTurn | None:
        token = f"t{id(uow)}"
        return uow.inbox.claim_head(person_key="slack:T1:U1", token=token, now=NOW, lease=LEASE)

    won = [claimed for claimed in race(any_database, 4, claim) if claimed is not None]
    assert [claimed.id for claimed in won] == [first]  # one winner, and only the head


def test_the_next_turn_waits_until_the_head_is_taken_and_a_dead_claim_runs_out(
    any_database: Database,
) -> None:
    first, second = _turns(any_database, "slack:T1:U1", 2)
    key = "slack:T1:U1"
    with any_database.unit_of_work() as uow:
        head = uow.inbox.claim_head(person_key=key, token="a", now=NOW, lease=LEASE)
        assert head is not None
        assert head.id == first
        assert uow.inbox.claim_head(person_key=key, token="b", now=NOW, lease=LEASE) is None
        assert uow.inbox.left_behind(now=NOW, received_before=NOW, limit=10) == []
    later = NOW + LEASE + timedelta(seconds=1)
    with any_database.unit_of_work() as uow:
        assert uow.inbox.left_behind(now=later, received_before=later, limit=10) == [key]
        again = uow.inbox.claim_head(person_key=key, token="c", now=later, lease=LEASE)
        assert again is not None
        assert again.id == first  # the dead claim's turn, not the one after it
        assert not uow.inbox.take(turn_id=first, token="a")  # the dead claim lost it
        assert uow.inbox.take(turn_id=first, token="c")
        nxt = uow.inbox.claim_head(person_key=key, token="d", now=later, lease=LEASE)
        assert nxt is not None
        assert nxt.id == second


def test_another_persons_turns_do_not_wait(any_database: Database) -> None:
    _turns(any_database, "slack:T1:U1", 1)
    [other] = _turns(any_database, "slack:T1:U2", 1)
    with any_database.unit_of_work() as uow:
        assert uow.inbox.claim_head(person_key="slack:T1:U1", token="a", now=NOW, lease=LEASE)
        claimed = uow.inbox.claim_head(person_key="slack:T1:U2", token="b", now=NOW, lease=LEASE)
        assert claimed is not None
        assert claimed.id == other


def _message(uow: UnitOfWork, key: str, kind: str = "messages") -> int:
    return uow.outbox.add(
        person_key=key,
        platform="slack",
        workspace_external_id="T1",
        kind=kind,
        address={"channel": "U1"},
        payload="[]",
        deadline=None,
        at=NOW,
    )


def test_a_form_is_claimed_ahead_of_the_queue_and_a_deferred_head_holds_the_rest(
    any_database: Database,
) -> None:
    key = "slack:T1:U1"
    with any_database.unit_of_work() as uow:
        first = _message(uow, key)
        _message(uow, key)
        form = _message(uow, key, kind="form")
    with any_database.unit_of_work() as uow:
        head = uow.outbox.claim_head(person_key=key, token="a", now=NOW, lease=LEASE)
        assert isinstance(head, ClaimedMessage)
        assert head.id == first
        opened = uow.outbox.claim_form(person_key=key, token="f", now=NOW, lease=LEASE)
        assert opened is not None
        assert opened.id == form  # not behind the queue
        uow.outbox.defer(message_id=first, token="a", retry_at=NOW + LEASE, error="ratelimited")
        assert uow.outbox.claim_head(person_key=key, token="b", now=NOW, lease=LEASE) is None
        later = NOW + LEASE
        again = uow.outbox.claim_head(person_key=key, token="c", now=later, lease=LEASE)
        assert again is not None
        assert again.id == first
        assert again.attempts == 2
