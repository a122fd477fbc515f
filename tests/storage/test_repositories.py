"""The repositories, each test on SQLite and (with TEST_DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import func, select

from storage.database import Database
from storage.models import AnswerRevision, Person, ProcessedEvent, Workspace
from tests.storage.helpers import new_person, race

T0 = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def count(db: Database, model: type[object]) -> int:
    with db.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


class TestPeople:
    def test_get_or_create_creates_workspace_and_person_once(self, any_database: Database) -> None:
        with any_database.unit_of_work() as uow:
            first = uow.repos.people.get_or_create(
                platform="slack", workspace_external_id="T1", person_external_id="U1"
            )
            again = uow.repos.people.get_or_create(
                platform="slack", workspace_external_id="T1", person_external_id="U1"
            )
            assert again is first
        with any_database.unit_of_work() as uow:
            later = uow.repos.people.get_or_create(
                platform="slack", workspace_external_id="T1", person_external_id="U1"
            )
            assert (later.id, later.workspace_id) == (first.id, first.workspace_id)
            assert later.external_id == "U1"
            assert later.workspace.platform == "slack"
            assert later.workspace.external_id == "T1"
            assert later.created_at.tzinfo is not None
        assert count(any_database, Workspace) == 1
        assert count(any_database, Person) == 1

    def test_same_user_id_in_two_workspaces_is_two_people(self, any_database: Database) -> None:
        ws_a, person_a = new_person(any_database, workspace="TA", user="U1")
        ws_b, person_b = new_person(any_database, workspace="TB", user="U1")
        assert ws_a != ws_b
        assert person_a != person_b
        assert count(any_database, Workspace) == 2
        assert count(any_database, Person) == 2

    def test_workspace_is_scoped_by_platform(self, any_database: Database) -> None:
        ws_slack, _ = new_person(any_database, platform="slack", workspace="W", user="U1")
        ws_local, _ = new_person(any_database, platform="console", workspace="W", user="U1")
        assert ws_slack != ws_local
        assert count(any_database, Person) == 2

    def test_two_people_share_one_workspace(self, any_database: Database) -> None:
        ws_1, person_1 = new_person(any_database, user="U1")
        ws_2, person_2 = new_person(any_database, user="U2")
        assert ws_1 == ws_2
        assert person_1 != person_2
        assert count(any_database, Workspace) == 1

    def test_concurrent_first_contact_creates_one_person(self, any_database: Database) -> None:
        ids = race(
            any_database,
            4,
            lambda uow: (
                uow.repos.people.get_or_create(
                    platform="slack", workspace_external_id="TNEW", person_external_id="UNEW"
                ).id
            ),
        )
        assert len(set(ids)) == 1
        assert count(any_database, Workspace) == 1
        assert count(any_database, Person) == 1

    def test_set_time_zone_stores_and_keeps_the_last_known_zone(
        self, any_database: Database
    ) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            assert person.time_zone is None
            uow.repos.people.set_time_zone(person=person, time_zone="America/Chicago")
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            assert person.time_zone == "America/Chicago"
            # An event without a zone does not forget the one we know.
            uow.repos.people.set_time_zone(person=person, time_zone=None)
            uow.repos.people.set_time_zone(person=person, time_zone="")
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            assert person.time_zone == "America/Chicago"
            uow.repos.people.set_time_zone(person=person, time_zone="Europe/London")
        with any_database.unit_of_work() as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            assert person.time_zone == "Europe/London"


class TestProcessedEvents:
    def test_first_delivery_is_true_once_per_workspace(self, any_database: Database) -> None:
        ws_a, _ = new_person(any_database, workspace="TA")
        ws_b, _ = new_person(any_database, workspace="TB")
        with any_database.unit_of_work() as uow:
            assert uow.repos.events.first_delivery(workspace_id=ws_a, event_id="Ev1", at=T0)
        with any_database.unit_of_work() as uow:
            assert not uow.repos.events.first_delivery(workspace_id=ws_a, event_id="Ev1", at=T0)
            # The same event id in another workspace is another event.
            assert uow.repos.events.first_delivery(workspace_id=ws_b, event_id="Ev1", at=T0)
            assert uow.repos.events.first_delivery(workspace_id=ws_a, event_id="Ev2", at=T0)
        with any_database.unit_of_work() as uow:
            assert not uow.repos.events.first_delivery(workspace_id=ws_b, event_id="Ev1", at=T0)
        assert count(any_database, ProcessedEvent) == 3

    def test_repeat_within_one_unit_of_work_is_not_first(self, any_database: Database) -> None:
        ws, _ = new_person(any_database)
        with any_database.unit_of_work() as uow:
            assert uow.repos.events.first_delivery(workspace_id=ws, event_id="Ev1", at=T0)
            assert not uow.repos.events.first_delivery(workspace_id=ws, event_id="Ev1", at=T0)

    def test_rolled_back_delivery_is_not_remembered(self, any_database: Database) -> None:
        ws, _ = new_person(any_database)
        try:
            with any_database.unit_of_work() as uow:
                assert uow.repos.events.first_delivery(workspace_id=ws, event_id="Ev1", at=T0)
                raise RuntimeError("the turn failed")
        except RuntimeError:
            pass
        with any_database.unit_of_work() as uow:
            # The failed turn stored nothing, so Slack's retry is handled afresh.
            assert uow.repos.events.first_delivery(workspace_id=ws, event_id="Ev1", at=T0)

    def test_concurrent_deliveries_have_exactly_one_first(self, any_database: Database) -> None:
        ws, _ = new_person(any_database)
        results = race(
            any_database,
            4,
            lambda uow: uow.repos.events.first_delivery(workspace_id=ws, event_id="EvR", at=T0),
        )
        assert sorted(results) == [False, False, False, True]
        assert count(any_database, ProcessedEvent) == 1


class TestFlowProgress:
    def test_save_then_get_round_trips_state_and_json(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        data = {
            "step_id": "purpose",
            "index": 3,
            "done": ["a", "b"],
            "nested": {"ok": True, "none": None, "ratio": 0.5},
            "text": "naïve — ünïcode ✓",
        }
        with any_database.unit_of_work() as uow:
            uow.repos.progress.save(
                person_id=person_id, flow_id="toolkit", state="asking", data=data, at=T0
            )
        with any_database.unit_of_work() as uow:
            row = uow.repos.progress.get(person_id=person_id, flow_id="toolkit")
            assert row is not None
            assert row.state == "asking"
            assert row.data == data
            assert row.updated_at == T0
            assert row.updated_at.utcoffset() == timedelta(0)
            assert uow.repos.progress.get(person_id=person_id, flow_id="reflect") is None

    def test_save_does_not_keep_the_callers_dict(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        data: dict[str, object] = {"items": [1]}
        with any_database.unit_of_work() as uow:
            row = uow.repos.progress.save(
                person_id=person_id, flow_id="f", state="s", data=data, at=T0
            )
            data["later"] = True
            assert "later" not in row.data

    def test_save_updates_the_one_row(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        later = T0 + timedelta(minutes=5)
        with any_database.unit_of_work() as uow:
            uow.repos.progress.save(
                person_id=person_id, flow_id="toolkit", state="asking", data={"i": 1}, at=T0
            )
        with any_database.unit_of_work() as uow:
            uow.repos.progress.save(
                person_id=person_id, flow_id="toolkit", state="done", data={}, at=later
            )
        with any_database.unit_of_work() as uow:
            [row] = uow.repos.progress.all_for(person_id=person_id)
            assert (row.flow_id, row.state, row.data, row.updated_at) == (
                "toolkit",
                "done",
                {},
                later,
            )

    def test_nested_change_to_loaded_data_is_saved(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            uow.repos.progress.save(
                person_id=person_id, flow_id="f", state="s", data={"items": [1]}, at=T0
            )
        with any_database.unit_of_work() as uow:
            row = uow.repos.progress.get(person_id=person_id, flow_id="f")
            assert row is not None
            data = row.data
            data["items"].append(2)  # a flow changing what it was handed, in place
            uow.repos.progress.save(person_id=person_id, flow_id="f", state="s", data=data, at=T0)
        with any_database.unit_of_work() as uow:
            row = uow.repos.progress.get(person_id=person_id, flow_id="f")
            assert row is not None
            assert row.data == {"items": [1, 2]}

    def test_all_for_lists_only_that_persons_flows(self, any_database: Database) -> None:
        _, alice = new_person(any_database, user="alice")
        _, bob = new_person(any_database, user="bob")
        with any_database.unit_of_work() as uow:
            for flow_id in ("reflect", "toolkit"):
                uow.repos.progress.save(person_id=alice, flow_id=flow_id, state="s", data={}, at=T0)
            uow.repos.progress.save(person_id=bob, flow_id="coach", state="s", data={}, at=T0)
        with any_database.unit_of_work() as uow:
            assert sorted(r.flow_id for r in uow.repos.progress.all_for(person_id=alice)) == [
                "reflect",
                "toolkit",
            ]
            assert [r.flow_id for r in uow.repos.progress.all_for(person_id=bob)] == ["coach"]
            assert uow.repos.progress.get(person_id=bob, flow_id="toolkit") is None

    def test_updated_at_comes_back_in_utc(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        chicago = datetime(2026, 11, 23, 9, 0, tzinfo=timezone(timedelta(hours=-6)))
        with any_database.unit_of_work() as uow:
            uow.repos.progress.save(
                person_id=person_id, flow_id="f", state="s", data={}, at=chicago
            )
        with any_database.unit_of_work() as uow:
            row = uow.repos.progress.get(person_id=person_id, flow_id="f")
            assert row is not None
            assert row.updated_at == chicago
            assert row.updated_at.tzinfo is UTC
            assert row.updated_at.hour == 15


class TestAnswers:
    def test_first_save_creates_one_revision(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            answer = uow.repos.answers.save(
                person_id=person_id, step_id="s1", question_id="q1", text="First", at=T0
            )
            answer_id = answer.id
        with any_database.unit_of_work() as uow:
            [revision] = uow.repos.answers.revisions(answer_id=answer_id)
            assert revision.text == "First"
            assert revision.created_at == T0
            answer = uow.repos.answers.for_step(person_id=person_id, step_id="s1")["q1"]
            assert (answer.text, answer.created_at, answer.updated_at) == ("First", T0, T0)

    def test_changed_text_updates_and_appends_a_revision(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        texts = ["First", "Second", "First"]
        for minutes, text in enumerate(texts):
            with any_database.unit_of_work() as uow:
                answer = uow.repos.answers.save(
                    person_id=person_id,
                    step_id="s1",
                    question_id="q1",
                    text=text,
                    at=T0 + timedelta(minutes=minutes),
                )
                answer_id = answer.id
        with any_database.unit_of_work() as uow:
            answer = uow.repos.answers.for_step(person_id=person_id, step_id="s1")["q1"]
            assert answer.id == answer_id
            assert answer.text == "First"
            assert answer.created_at == T0
            assert answer.updated_at == T0 + timedelta(minutes=2)
            revisions = uow.repos.answers.revisions(answer_id=answer_id)
            assert [r.text for r in revisions] == texts  # oldest first
            assert [r.created_at for r in revisions] == [
                T0 + timedelta(minutes=m) for m in range(3)
            ]
            assert revisions[-1].text == answer.text
            assert [r.text for r in answer.revisions] == texts

    def test_identical_text_adds_no_revision(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            uow.repos.answers.save(
                person_id=person_id, step_id="s1", question_id="q1", text="Same", at=T0
            )
        with any_database.unit_of_work() as uow:
            answer = uow.repos.answers.save(
                person_id=person_id,
                step_id="s1",
                question_id="q1",
                text="Same",
                at=T0 + timedelta(hours=1),
            )
            answer_id = answer.id
        with any_database.unit_of_work() as uow:
            assert [r.text for r in uow.repos.answers.revisions(answer_id=answer_id)] == ["Same"]
            answer = uow.repos.answers.for_step(person_id=person_id, step_id="s1")["q1"]
            assert answer.updated_at == T0
        assert count(any_database, AnswerRevision) == 1

    def test_for_step_and_count_by_step(self, any_database: Database) -> None:
        _, alice = new_person(any_database, user="alice")
        _, bob = new_person(any_database, user="bob")
        with any_database.unit_of_work() as uow:
            save = uow.repos.answers.save
            save(person_id=alice, step_id="s1", question_id="q1", text="a1", at=T0)
            save(person_id=alice, step_id="s1", question_id="q2", text="a2", at=T0)
            save(person_id=alice, step_id="s1", question_id="q2", text="a2 again", at=T0)
            save(person_id=alice, step_id="s2", question_id="q1", text="b1", at=T0)
            save(person_id=bob, step_id="s1", question_id="q3", text="bob's", at=T0)
        with any_database.unit_of_work() as uow:
            step = uow.repos.answers.for_step(person_id=alice, step_id="s1")
            assert {q: a.text for q, a in step.items()} == {"q1": "a1", "q2": "a2 again"}
            assert uow.repos.answers.for_step(person_id=alice, step_id="s3") == {}
            assert uow.repos.answers.count_by_step(person_id=alice) == {"s1": 2, "s2": 1}
            assert uow.repos.answers.count_by_step(person_id=bob) == {"s1": 1}
            bob_step = uow.repos.answers.for_step(person_id=bob, step_id="s1")
            assert {q: a.text for q, a in bob_step.items()} == {"q3": "bob's"}

    def test_revisions_belong_to_their_answer(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            save = uow.repos.answers.save
            one = save(person_id=person_id, step_id="s", question_id="q1", text="x", at=T0)
            two = save(person_id=person_id, step_id="s", question_id="q2", text="y", at=T0)
            save(person_id=person_id, step_id="s", question_id="q1", text="x2", at=T0)
            ids = one.id, two.id
        with any_database.unit_of_work() as uow:
            assert [r.text for r in uow.repos.answers.revisions(answer_id=ids[0])] == ["x", "x2"]
            assert [r.text for r in uow.repos.answers.revisions(answer_id=ids[1])] == ["y"]
            assert uow.repos.answers.revisions(answer_id=max(ids) + 100) == []


class TestReflections:
    def test_add_recent_count(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            # Added out of order: recent() sorts by time, not by insertion.
            for hours in (2, 0, 3, 1):
                uow.repos.reflections.add(
                    person_id=person_id,
                    text=f"r{hours}",
                    prompt=None if hours % 2 else f"prompt {hours}",
                    source="command",
                    at=T0 + timedelta(hours=hours),
                )
        with any_database.unit_of_work() as uow:
            recent = uow.repos.reflections.recent(person_id=person_id, limit=3)
            assert [r.text for r in recent] == ["r3", "r2", "r1"]
            assert [r.prompt for r in recent] == [None, "prompt 2", None]
            assert recent[0].created_at == T0 + timedelta(hours=3)
            assert recent[0].source == "command"
            everything = uow.repos.reflections.recent(person_id=person_id, limit=10)
            assert [r.text for r in everything] == ["r3", "r2", "r1", "r0"]
            assert uow.repos.reflections.count(person_id=person_id) == 4

    def test_same_time_newest_added_first(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        with any_database.unit_of_work() as uow:
            for text in ("a", "b", "c"):
                uow.repos.reflections.add(
                    person_id=person_id, text=text, prompt=None, source="dm", at=T0
                )
        with any_database.unit_of_work() as uow:
            recent = uow.repos.reflections.recent(person_id=person_id, limit=2)
            assert [r.text for r in recent] == ["c", "b"]

    def test_order_is_by_instant_across_time_zones(self, any_database: Database) -> None:
        _, person_id = new_person(any_database)
        tokyo = timezone(timedelta(hours=9))
        with any_database.unit_of_work() as uow:
            # 16:00 UTC, written in Tokyo time (01:00 next day) ...
            uow.repos.reflections.add(
                person_id=person_id,
                text="later",
                prompt=None,
                source="dm",
                at=datetime(2026, 11, 24, 1, 0, tzinfo=tokyo),
            )
            # ... is after 15:00 UTC, although "01:00" sorts before "15:00" as local text.
            uow.repos.reflections.add(
                person_id=person_id, text="earlier", prompt=None, source="dm", at=T0
            )
        with any_database.unit_of_work() as uow:
            recent = uow.repos.reflections.recent(person_id=person_id, limit=5)
            assert [r.text for r in recent] == ["later", "earlier"]

    def test_people_see_only_their_own(self, any_database: Database) -> None:
        _, alice = new_person(any_database, user="alice")
        _, bob = new_person(any_database, user="bob")
        _, other_alice = new_person(any_database, workspace="T2", user="alice")
        with any_database.unit_of_work() as uow:
            uow.repos.reflections.add(person_id=alice, text="A", prompt=None, source="dm", at=T0)
            uow.repos.reflections.add(person_id=bob, text="B", prompt=None, source="dm", at=T0)
        with any_database.unit_of_work() as uow:
            assert [r.text for r in uow.repos.reflections.recent(person_id=alice, limit=5)] == ["A"]
            assert [r.text for r in uow.repos.reflections.recent(person_id=bob, limit=5)] == ["B"]
            assert uow.repos.reflections.recent(person_id=other_alice, limit=5) == []
            assert uow.repos.reflections.count(person_id=alice) == 1
            assert uow.repos.reflections.count(person_id=other_alice) == 0
