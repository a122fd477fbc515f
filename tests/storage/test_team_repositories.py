"""Team prompts' repositories on SQLite and PostgreSQL: subscriptions, posts, thread replies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.models import Person, TeamPost
from tests.storage.helpers import new_person, race

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def subscribe(
    db: Database,
    workspace_id: int,
    person_id: int,
    channel_id: str,
    *,
    due: datetime | None = NOW,
    status: str = "active",
    themes: list[str] | None = None,
) -> int:
    with db.unit_of_work() as uow:
        row = uow.team.subscriptions.save(
            workspace_id=workspace_id,
            channel_id=channel_id,
            values={
                "person_id": person_id,
                "channel_name": channel_id.lower(),
                "weekday": 1,
                "post_minute": 540,
                "time_zone": "America/Chicago",
                "themes": themes or [],
                "status": status,
                "next_due_at": due,
            },
            at=NOW - timedelta(days=7),
        )
        return row.id


def begin_post(db: Database, subscription_id: int, occurrence: datetime, prompt_id: str) -> int:
    with db.unit_of_work() as uow:
        post = uow.team.posts.begin(
            subscription_id=subscription_id,
            occurrence=occurrence.isoformat(),
            prompt_id=prompt_id,
            theme=prompt_id.partition("/")[0].title(),
            questions="What did we learn?",
        )
        return post.id


def mark_posted(db: Database, post_id: int, ts: str, at: datetime) -> None:
    with db.unit_of_work() as uow:
        uow.team.posts.mark_posted(post_id=post_id, message_ts=ts, at=at)


def add_reply(db: Database, post_id: int, person_id: int, ts: str, text: str = "a reply") -> bool:
    with db.unit_of_work() as uow:
        return uow.team.replies.add(
            post_id=post_id, person_id=person_id, message_ts=ts, text=text, at=NOW
        )


class TestSubscriptions:
    def test_the_same_channel_id_in_two_workspaces_is_two_subscriptions(
        self, any_database: Database
    ) -> None:
        first, ana = new_person(any_database, workspace="T1", user="U-ana")
        second, ben = new_person(any_database, workspace="T2", user="U-ben")
        ours = subscribe(any_database, first, ana, "C1")
        theirs = subscribe(any_database, second, ben, "C1", due=NOW + timedelta(days=1))
        assert ours != theirs
        with any_database.unit_of_work() as uow:
            subscriptions = uow.team.subscriptions
            found = subscriptions.for_channel(workspace_id=first, channel_id="C1")
            assert found is not None
            assert (found.id, found.person_id) == (ours, ana)
            other = subscriptions.for_channel(workspace_id=second, channel_id="C1")
            assert other is not None
            assert (other.id, other.person_id) == (theirs, ben)
            assert subscriptions.for_channel(workspace_id=first, channel_id="C2") is None
            # An id from another workspace (a tampered button) finds nothing.
            assert subscriptions.get(workspace_id=first, subscription_id=theirs) is None
            mine = subscriptions.get(workspace_id=first, subscription_id=ours)
            assert mine is not None
            assert mine.channel_id == "C1"

    def test_saving_again_changes_the_channels_one_subscription(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        first = subscribe(any_database, workspace, ana, "C1", themes=["convening"])
        with any_database.unit_of_work() as uow:
            row = uow.team.subscriptions.save(
                workspace_id=workspace,
                channel_id="C1",
                values={"weekday": 3, "themes": ["convening", "sharing"]},
                at=NOW,
            )
            assert row.id == first
        with any_database.unit_of_work() as uow:
            row_again = uow.team.subscriptions.for_channel(workspace_id=workspace, channel_id="C1")
            assert row_again is not None
            assert (row_again.weekday, row_again.themes) == (3, ["convening", "sharing"])
            assert row_again.updated_at == NOW
            assert row_again.person_id == ana  # not in the values: kept

    def test_managed_by_lists_the_persons_own_that_are_not_stopped(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        active = subscribe(any_database, workspace, ana, "C1")
        paused = subscribe(any_database, workspace, ana, "C2", due=None, status="paused")
        subscribe(any_database, workspace, ana, "C3", due=None, status="unsubscribed")
        subscribe(any_database, workspace, ben, "C4")
        with any_database.unit_of_work() as uow:
            rows = uow.team.subscriptions.managed_by(person_id=ana)
            assert [row.id for row in rows] == [active, paused]

    def test_due_active_ones_are_claimed_once_until_the_lease_runs_out(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        due = subscribe(any_database, workspace, ana, "C1", due=NOW - timedelta(minutes=1))
        subscribe(any_database, workspace, ana, "C2", due=NOW + timedelta(days=1))
        subscribe(any_database, workspace, ana, "C3", due=None, status="paused")
        with any_database.unit_of_work() as uow:
            claimed = uow.team.subscriptions.claim_due(now=NOW, lease=LEASE, limit=10)
        assert [(c.item_id, c.person_id, c.due_at) for c in claimed] == [
            (due, ana, NOW - timedelta(minutes=1))
        ]
        with any_database.unit_of_work() as uow:  # held for the lease
            again = uow.team.subscriptions.claim_due
            assert again(now=NOW + LEASE - timedelta(seconds=1), lease=LEASE, limit=10) == []
        with any_database.unit_of_work() as uow:  # a claimant that died: it comes back
            later = uow.team.subscriptions.claim_due(
                now=NOW + LEASE + timedelta(seconds=1), lease=LEASE, limit=10
            )
            assert [c.item_id for c in later] == [due]

    def test_a_subscriber_who_cannot_be_reached_does_not_hold_back_the_channels_post(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        due = subscribe(any_database, workspace, ana, "C1")
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, ana)
            assert person is not None
            person.unreachable_since = NOW - timedelta(days=3)
            person.unreachable_reason = "account_inactive"
        with any_database.unit_of_work() as uow:
            claimed = uow.team.subscriptions.claim_due(now=NOW, lease=LEASE, limit=10)
        assert [c.item_id for c in claimed] == [due]

    def test_the_earliest_due_first_and_no_more_than_the_limit(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        ids = [
            subscribe(any_database, workspace, ana, f"C{n}", due=NOW - timedelta(minutes=n))
            for n in range(5)
        ]
        with any_database.unit_of_work() as uow:
            claimed = uow.team.subscriptions.claim_due(now=NOW, lease=LEASE, limit=2)
        assert [c.item_id for c in claimed] in ([ids[4], ids[3]], [ids[3], ids[4]])

    def test_two_claimants_never_claim_the_same_subscription(self, any_database: Database) -> None:
        for n in range(3):
            workspace, person = new_person(any_database, workspace=f"T{n}", user=f"U{n}")
            for channel in range(10):
                subscribe(any_database, workspace, person, f"C{channel}")
        claims = race(
            any_database,
            4,
            lambda uow: uow.team.subscriptions.claim_due(now=NOW, lease=LEASE, limit=10),
        )
        claimed = [item.item_id for batch in claims for item in batch]
        assert len(claimed) == len(set(claimed)) == 30


class TestPosts:
    def test_begin_is_once_per_occurrence_and_keeps_the_first_prompt(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        subscription = subscribe(any_database, workspace, ana, "C1")
        first = begin_post(any_database, subscription, NOW, "convening/1")
        retried = begin_post(any_database, subscription, NOW, "sharing/1")
        next_week = begin_post(any_database, subscription, NOW + timedelta(days=7), "sharing/1")
        assert retried == first
        assert next_week != first
        with any_database.unit_of_work() as uow:
            post = uow.team.posts.for_occurrence(
                subscription_id=subscription, occurrence=NOW.isoformat()
            )
            assert post is not None
            assert (post.id, post.prompt_id, post.message_ts) == (first, "convening/1", None)

    def test_history_and_the_last_post_count_only_posts_that_went_out_in_order(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        subscription = subscribe(any_database, workspace, ana, "C1")
        other = subscribe(any_database, workspace, ana, "C2")
        weeks = [NOW + timedelta(days=7 * n) for n in range(4)]
        posted = {
            "convening/1": weeks[0],
            "sharing/1": weeks[1],
            # weeks[2]'s never went out (Slack refused it)
            "engagement/1": weeks[3],
        }
        for prompt_id, week in [*posted.items(), ("advocating/1", weeks[2])]:
            post = begin_post(any_database, subscription, week, prompt_id)
            if prompt_id in posted:
                mark_posted(any_database, post, f"{week.timestamp():.6f}", week)
        fresh = subscribe(any_database, workspace, ana, "C3")
        elsewhere = begin_post(any_database, other, weeks[0], "influence/1")
        mark_posted(any_database, elsewhere, "1.000001", weeks[3] + timedelta(hours=1))
        with any_database.unit_of_work() as uow:
            posts = uow.team.posts
            assert posts.history(subscription_id=subscription) == list(posted)
            last = posts.last_posted(subscription_id=subscription)
            assert last is not None
            assert (last.prompt_id, last.posted_at) == ("engagement/1", weeks[3])
            assert posts.history(subscription_id=fresh) == []
            assert posts.last_posted(subscription_id=fresh) is None

    def test_a_thread_is_found_by_workspace_channel_and_message(
        self, any_database: Database
    ) -> None:
        first, ana = new_person(any_database, workspace="T1", user="U-ana")
        second, ben = new_person(any_database, workspace="T2", user="U-ben")
        ours = begin_post(any_database, subscribe(any_database, first, ana, "C1"), NOW, "a/1")
        theirs = begin_post(any_database, subscribe(any_database, second, ben, "C1"), NOW, "b/1")
        # The same channel id and message id in two workspaces (ids are only unique per workspace).
        mark_posted(any_database, ours, "1700000001.000001", NOW)
        mark_posted(any_database, theirs, "1700000001.000001", NOW)
        with any_database.unit_of_work() as uow:
            posts = uow.team.posts

            def found(workspace: int, channel: str, ts: str) -> int | None:
                post = posts.find(workspace_id=workspace, channel_id=channel, message_ts=ts)
                return None if post is None else post.id

            assert found(first, "C1", "1700000001.000001") == ours
            assert found(second, "C1", "1700000001.000001") == theirs
            assert found(first, "C2", "1700000001.000001") is None
            assert found(first, "C1", "1700000002.000002") is None


class TestReplies:
    def test_a_reply_is_kept_once_however_often_the_event_comes(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        post = begin_post(any_database, subscribe(any_database, workspace, ana, "C1"), NOW, "a/1")
        assert add_reply(any_database, post, ana, "1.1", "first words")
        assert not add_reply(any_database, post, ana, "1.1", "first words")
        with any_database.unit_of_work() as uow:
            [reply] = uow.team.replies.for_post(post_id=post)
            assert (reply.person_id, reply.message_ts, reply.text) == (ana, "1.1", "first words")
            assert reply.edited_at is None

    def test_edit_and_remove_touch_only_the_reply_they_name(self, any_database: Database) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        subscription = subscribe(any_database, workspace, ana, "C1")
        post = begin_post(any_database, subscription, NOW, "a/1")
        other_post = begin_post(any_database, subscription, NOW + timedelta(days=7), "b/1")
        add_reply(any_database, post, ana, "1.1", "kept")
        add_reply(any_database, post, ana, "1.2", "to change")
        add_reply(any_database, other_post, ana, "1.2", "same ts, another thread")
        edited_at = NOW + timedelta(minutes=5)
        with any_database.unit_of_work() as uow:
            replies = uow.team.replies
            assert replies.edit(post_id=post, message_ts="1.2", text="changed", at=edited_at)
            assert not replies.edit(post_id=post, message_ts="9.9", text="x", at=edited_at)
        with any_database.unit_of_work() as uow:
            replies = uow.team.replies
            assert [
                (r.message_ts, r.text, r.edited_at) for r in replies.for_post(post_id=post)
            ] == [
                ("1.1", "kept", None),
                ("1.2", "changed", edited_at),
            ]
            assert replies.remove(post_id=post, message_ts="1.1", at=edited_at)
            assert not replies.remove(post_id=post, message_ts="1.1", at=edited_at)
        with any_database.unit_of_work() as uow:
            replies = uow.team.replies
            assert [r.text for r in replies.for_post(post_id=post)] == ["changed"]
            assert [r.text for r in replies.for_post(post_id=other_post)] == [
                "same ts, another thread"
            ]

    def test_people_count_counts_people_not_replies(self, any_database: Database) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        _, cat = new_person(any_database, user="U-cat")
        subscription = subscribe(any_database, workspace, ana, "C1")
        post = begin_post(any_database, subscription, NOW, "a/1")
        quiet = begin_post(any_database, subscription, NOW + timedelta(days=7), "b/1")
        for n, person in enumerate([ben, ben, ben, cat]):
            add_reply(any_database, post, person, f"2.{n}")
        with any_database.unit_of_work() as uow:
            assert uow.team.replies.people_count(post_id=post) == 2
            assert uow.team.replies.people_count(post_id=quiet) == 0

    def test_by_person_is_everything_they_said_with_its_prompt_oldest_first(
        self, any_database: Database
    ) -> None:
        workspace, ana = new_person(any_database, user="U-ana")
        _, ben = new_person(any_database, user="U-ben")
        subscription = subscribe(any_database, workspace, ana, "C1")
        first = begin_post(any_database, subscription, NOW, "a/1")
        second = begin_post(any_database, subscription, NOW + timedelta(days=7), "b/1")
        with any_database.unit_of_work() as uow:
            replies = uow.team.replies
            later = NOW + timedelta(days=7, hours=1)
            replies.add(post_id=second, person_id=ben, message_ts="3.1", text="late", at=later)
            replies.add(post_id=first, person_id=ben, message_ts="3.2", text="early", at=NOW)
            replies.add(post_id=first, person_id=ana, message_ts="3.3", text="ana's", at=NOW)
        with any_database.unit_of_work() as uow:
            said = uow.team.replies.by_person(person_id=ben)
            assert [(reply.text, post.prompt_id) for reply, post in said] == [
                ("early", "a/1"),
                ("late", "b/1"),
            ]
            assert all(isinstance(post, TeamPost) for _, post in said)
