"""The self-assessment through the real engine on SQLite: the three assessments page by page,
resuming, starting over, skipping, refused answers, results, history, the quarterly reminder,
the export's summaries, and one assessment completed in the terminal."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import bot.flows.assess as assess
from bot.adapters.console.chat import ConsoleChat, terminal_console
from bot.adapters.slack.render import render_modal
from bot.core.clock import FixedClock
from bot.core.engine import Engine
from bot.core.messages import FormField
from bot.documents.assessment_chart import draw_radar
from bot.flows.assess import (
    assessment_summaries,
    pages,
    reassess_reminder_replies,
    resolved_assessments,
)
from bot.flows.assess_model import AssessmentRecordView
from content import Content
from content.assessment import ResolvedAssessment
from storage.database import Database
from storage.models import PersonSchedule, Reflection, Relationship, SelfAssessment
from tests.chat_script import ChatScript

# The clock fixture: Monday 23 November 2026, 15:00 UTC (09:00 in America/Chicago).
PNG = b"\x89PNG"
LEADERSHIP, COMPETENCIES, COMMUNITY = "leadership", "competencies", "community-engagement"

Values = Callable[[FormField], str]


def assessment(content: Content, kind: str) -> ResolvedAssessment:
    return next(a for a in resolved_assessments(content) if a.id == kind)


def stored(database: Database) -> list[SelfAssessment]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(SelfAssessment).order_by(SelfAssessment.id)))


def schedules(database: Database) -> list[PersonSchedule]:
    with database.unit_of_work() as uow:
        return list(uow.session.scalars(select(PersonSchedule)))


def rate(value: str) -> Values:
    """Every question rated `value`; every stage's first indicator ticked."""

    def values(field: FormField) -> str:
        return field.options[0][0] if field.multiple else value

    return values


def by_item(ratings: dict[str, str], default: str = "3") -> Values:
    def values(field: FormField) -> str:
        if field.multiple:
            return ratings.get(field.name, "")
        return ratings.get(field.name, default)

    return values


def answer(chat: ChatScript, kind: str, values: Values, *, pages_to_answer: int = 99) -> list[str]:
    """Fill in the forms the coach offers for one assessment, one page after another; the ids
    of the forms answered."""
    answered: list[str] = []
    while chat.form is not None and chat.form.form_id.startswith(f"assess.{kind}."):
        if len(answered) == pages_to_answer:
            break
        form = chat.form
        chat.submit({field.name: values(field) for field in form.fields})
        assert chat.last.form_errors is None, chat.last.form_errors
        answered.append(form.form_id)
    return answered


def take(chat: ChatScript, kind: str, values: Values) -> list[str]:
    chat.press(f"assess:start:{kind}")
    return answer(chat, kind, values)


def texts(chat: ChatScript) -> list[str]:
    return [reply.text for reply in chat.replies]


def labels(chat: ChatScript) -> list[str]:
    return [choice.label for choice in chat.choices]


# ----- what is offered --------------------------------------------------------------------------


def test_coach_assess_offers_the_three_and_the_reminder(chat: ChatScript, content: Content) -> None:
    chat.command("coach", "assess")
    words = content.assessment
    assert chat.replies[0].heading == words.title
    assert chat.replies[0].text == words.intro
    offered = chat.replies[1:4]
    assert [r.text.splitlines()[0] for r in offered] == [
        f"*{a.button}*" for a in resolved_assessments(content)
    ]
    for reply, kind in zip(offered, (LEADERSHIP, COMPETENCIES, COMMUNITY), strict=True):
        assert words.menu.not_started in reply.text
        assert [(c.label, c.value) for c in reply.choices] == [
            (words.buttons.start, f"assess:start:{kind}")
        ]
    assert chat.replies[4].text == words.reminder.offer
    assert labels(chat)[-2:] == [words.buttons.remind_quarterly, words.buttons.history]


def test_help_and_home_lead_to_the_self_assessment(chat: ChatScript, content: Content) -> None:
    chat.command("coach", "help")
    assert "*/coach assess*" in chat.text
    assert "*/coach assess history*" in chat.text
    chat.home()
    page = chat.last.home
    assert page is not None
    values = [c.value for s in page.sections for c in s.choices]
    assert "assess:start:" in values
    chat.press("assess:start:")
    assert chat.replies[0].heading == content.assessment.title


def test_the_pages_hold_a_few_questions_each_and_never_split_an_area(content: Content) -> None:
    for resolved in resolved_assessments(content):
        every = pages(resolved)
        assert all(len(page.items) <= assess.PAGE_SIZE for page in every)
        asked = [item.id for page in every if not page.indicators for item in page.items]
        assert asked == [item.id for item in resolved.items]  # each once, in order
        for first, second in itertools.pairwise(every):
            if not first.indicators and not second.indicators:
                assert first.items[-1].area != second.items[0].area
    assert [len(p.items) for p in pages(assessment(content, LEADERSHIP))] == [6, 4, 3, 6]
    community = pages(assessment(content, COMMUNITY))
    assert [p.indicators for p in community] == [False, True] * 3


def test_every_page_fits_a_slack_modal(chat: ChatScript) -> None:
    """slack_sdk checks its limits (titles, labels, hints, option texts) when it renders."""
    rendered = 0
    for kind in (LEADERSHIP, COMPETENCIES, COMMUNITY):
        chat.press(f"assess:start:{kind}")
        while chat.form is not None and chat.form.form_id.startswith(f"assess.{kind}."):
            view = render_modal(chat.form)
            rendered += 1
            assert len(view["blocks"]) <= 100
            assert len(view["private_metadata"]) < 3000
            options = [o for block in view["blocks"] for o in _options(block)]
            assert all(len(option["text"]["text"]) <= 75 for option in options)
            chat.submit({field.name: field.options[-1][0] for field in chat.form.fields})
            assert chat.last.form_errors is None
    assert rendered == 4 + 3 + 6


def _options(block: dict[str, Any]) -> list[dict[str, Any]]:
    element = block.get("element", {})
    return list(element.get("options", []))


# ----- finishing each of the three --------------------------------------------------------------


def test_finishing_leadership_stores_every_answer_and_shows_the_results(
    chat: ChatScript, database: Database, content: Content
) -> None:
    resolved = assessment(content, LEADERSHIP)
    chat.command("coach", "assess leadership")
    form = chat.form
    assert form is not None
    assert (form.form_id, form.title, form.context) == (
        "assess.leadership.1",
        resolved.title,
        "new",
    )
    assert resolved.intro in (form.intro or "")
    assert content.assessment.pages.skip_note in (form.intro or "")
    first = form.fields[0]
    engagement = resolved.items[0]
    assert first.name == engagement.id
    assert first.label == engagement.question
    assert first.hint == engagement.anchor  # the source's description anchors the rating
    assert first.optional  # empty is skipped
    assert first.options[2] == ("3", "3 — Developing")
    assert stored(database) == []  # nothing until a page is submitted

    ratings = {
        "abilities/advocating/individuals": "5",
        "abilities/advocating/neighborhoods-and-communities": "5",
        "values/respect-and-civility": "5",
        "abilities/sharing/individuals": "1",
        "abilities/sharing/neighborhoods-and-communities": "2",
        "values/information-and-truth": "1",
    }
    answered = answer(chat, LEADERSHIP, by_item(ratings))
    assert answered == [f"assess.leadership.{n}" for n in (1, 2, 3, 4)]
    [row] = stored(database)
    assert row.finished_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert set(row.answers) == {item.id for item in resolved.items}
    assert row.answers["abilities/sharing/neighborhoods-and-communities"] == 2
    assert row.answers["values/service-and-privacy/paradox"] == 3  # a position, asked too

    heading, strongest, growth_1, growth_2, offer = chat.replies
    assert heading.text == "*Leadership abilities*, Mon 23 Nov"
    [radar] = heading.images
    assert radar.data.startswith(PNG)
    assert "Engagement: Individuals 3 of 5" in radar.alt_text
    assert strongest.text.splitlines()[1:] == [
        "• *Advocating*: 5 — A strength I lean on",
        "• *Respect + Civility*: 5 — A strength I lean on",
    ]
    assert growth_1.text.splitlines() == [  # the lowest first
        f"*{content.assessment.results.growth}*",
        "• *Information + Truth*: 1 — Not yet",
    ]
    assert growth_2.text == "• *Sharing*: 1.5 of 5 on average"  # an ability's two ratings
    assert [(c.label, c.value) for c in growth_2.choices] == [
        ("Reflect on it", "reflect:growth:abilities/sharing"),
        ("Toolkit Step 5: Connect the dots", "toolkit:open:step-5"),
        ("Strategies for staff in your plan", "plan:start:"),
    ]
    assert offer.text == content.assessment.reminder.offer  # the reminder is off
    assert [c.value for c in offer.choices] == ["assess:remind:on"]


def test_finishing_competencies(chat: ChatScript, database: Database, content: Content) -> None:
    answered = take(chat, COMPETENCIES, rate("4"))
    assert answered == ["assess.competencies.1", "assess.competencies.2", "assess.competencies.3"]
    [row] = stored(database)
    assert row.finished_at is not None
    assert list(row.answers.values()) == [4] * 13
    assert chat.replies[1].text == content.assessment.results.all_equal  # nothing stands out
    assert chat.replies[0].images[0].data.startswith(PNG)


def test_community_engagement_asks_the_indicators_of_the_stage_just_scored(
    chat: ChatScript, database: Database, content: Content
) -> None:
    resolved = assessment(content, COMMUNITY)
    local = resolved.items[0]
    chat.press("assess:start:community-engagement")
    score = chat.form
    assert score is not None
    [field] = score.fields
    assert field.options[5] == ("6", "6 — Intentional")  # points show the stage names
    assert "Aware (1-4)" in (field.hint or "")
    chat.submit({local.id: "6"})

    ticks = chat.form
    assert ticks is not None
    assert ticks.form_id == "assess.community-engagement.2"
    intentional = local.stage_for(6)
    [box] = ticks.fields
    assert box.multiple
    assert box.optional
    assert [value for value, _ in box.options] == [i.id for i in intentional.indicators]
    assert all(len(label) <= 75 for _, label in box.options)
    intro = ticks.intro or ""
    for indicator in intentional.indicators:
        assert indicator.text in intro  # in full, however long
    assert intentional.way_forward in intro
    assert intro.index(intentional.indicators[-1].text) < intro.index("Next, Purposeful:")
    chat.submit({"indicators": f"{box.options[0][0]},{box.options[2][0]}"})

    dei, science = resolved.items[1], resolved.items[2]
    chat.submit({dei.id: ""})  # skipped: nothing to tick
    assert chat.form is not None
    assert chat.form.form_id == "assess.community-engagement.5"
    chat.submit({science.id: "2"})
    aware = science.stage_for(2)
    assert chat.form is not None
    assert [v for v, _ in chat.form.fields[0].options] == [i.id for i in aware.indicators]
    assert chat.form.submit_label == content.assessment.buttons.finish
    chat.submit({"indicators": ""})

    [row] = stored(database)
    assert row.finished_at is not None
    assert row.answers == {local.id: 6, dei.id: None, science.id: 2}
    assert row.indicators == {
        local.id: [intentional.indicators[0].id, intentional.indicators[2].id],
        science.id: [],
    }
    heading, strongest, growth = chat.replies[:3]
    assert heading.images[0].data.startswith(PNG)
    assert "• *local govt*: 6 — Intentional" in strongest.text
    assert "• *leaders around science issues*: 2 — Aware" in growth.text
    assert aware.way_forward in growth.text  # the way forward from where they are
    assert [c.value for c in growth.choices] == [
        "reflect:growth:stage/science-issue-leaders",
        "plan:start:",
    ]


def test_a_growth_area_leads_to_the_relationship_in_that_group(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.command("coach", "plan add")
    chat.submit(
        {
            "name": "City manager",
            "kind": "person",
            "constituency": "local-government",
            "own_label": "",
            "cadence": "monthly",
            "days": "",
            "strategies": "",
            "measures": "",
        }
    )
    assert chat.last.form_errors is None, chat.last.form_errors
    with database.unit_of_work() as uow:
        relationship = uow.session.scalars(select(Relationship)).one()
        relationship_id = relationship.id
    take(chat, COMMUNITY, by_item({"stage/local-government": "2"}, default="9"))
    growth = chat.replies[2]
    assert "local govt" in growth.text
    assert growth.choices[-1].value == f"plan:show:{relationship_id}"
    chat.press(growth.choices[-1].value)
    assert "City manager" in chat.text


# ----- leaving, resuming, starting over, skipping ---------------------------------------------


def test_leaving_mid_way_keeps_the_answers_and_picks_up_at_the_first_unanswered_page(
    engine: Engine, database: Database, content: Content
) -> None:
    first = ChatScript(engine)
    first.press("assess:start:leadership")
    answer(first, LEADERSHIP, rate("2"), pages_to_answer=2)
    [row] = stored(database)
    assert row.finished_at is None
    assert len(row.answers) == 10

    later = ChatScript(engine)  # another session, another day
    later.command("coach", "assess")
    leadership = later.replies[1]
    assert "In progress: 10 of 19 answered." in leadership.text
    assert [c.label for c in leadership.choices] == [
        "Pick up where I left off (10/19)",
        content.assessment.buttons.start_over,
    ]
    later.choose("Pick up where I left off (10/19)")
    assert later.form is not None
    assert later.form.form_id == "assess.leadership.3"
    assert later.form.context == "2026-11-23T15:00:00+00:00"
    assert answer(later, LEADERSHIP, rate("4")) == ["assess.leadership.3", "assess.leadership.4"]
    [row] = stored(database)
    assert row.finished_at is not None
    assert row.answers["abilities/engagement/individuals"] == 2  # kept from the first session
    assert row.answers["values/information-and-truth"] == 4


def test_an_in_progress_assessment_stays_out_of_history_and_results(
    chat: ChatScript, content: Content
) -> None:
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, rate("5"), pages_to_answer=1)
    chat.command("coach", "assess history")
    [reply] = chat.replies
    assert reply.text.startswith(content.assessment.history.empty)
    assert "Competencies assessment in progress (4 of 13 answered)" in reply.text
    assert not reply.images
    chat.press("assess:results:competencies")
    assert chat.text.startswith(content.coach.general.stale_choice)


def test_start_over_throws_away_the_one_in_progress_once_its_first_page_is_saved(
    chat: ChatScript, database: Database, clock: FixedClock
) -> None:
    chat.press("assess:start:leadership")
    answer(chat, LEADERSHIP, rate("1"), pages_to_answer=1)
    clock.advance_to(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    chat.command("coach", "assess")
    chat.choose("Start over")
    assert chat.form is not None
    assert (chat.form.form_id, chat.form.context) == ("assess.leadership.1", "restart")
    assert len(stored(database)[0].answers) == 6  # closing this form would lose nothing
    chat.submit({field.name: "5" for field in chat.form.fields})
    [row] = stored(database)
    assert row.started_at == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert set(row.answers.values()) == {5}
    assert chat.form is not None
    assert chat.form.form_id == "assess.leadership.2"
    assert chat.form.context == "2026-11-24T15:00:00+00:00"


def test_an_empty_answer_is_a_skip(chat: ChatScript, database: Database, content: Content) -> None:
    take(chat, COMPETENCIES, lambda field: "")
    [row] = stored(database)
    assert row.finished_at is not None
    assert set(row.answers.values()) == {None}
    heading, nothing = chat.replies[:2]
    assert not heading.images  # nothing to chart
    assert nothing.text == content.assessment.results.nothing_rated


# ----- refused -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["6", "0", "x", "3.5", "²"])
def test_a_value_off_the_scale_is_refused_under_its_field(
    chat: ChatScript, database: Database, content: Content, value: str
) -> None:
    chat.press("assess:start:competencies")
    assert chat.form is not None
    names = [field.name for field in chat.form.fields]
    chat.submit({name: value if name == names[1] else "3" for name in names})
    assert chat.last.form_errors is not None
    assert chat.last.form_errors.errors == {names[1]: content.assessment.errors.not_a_point}
    assert stored(database) == []


def test_an_indicator_of_another_stage_is_refused(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.press("assess:start:community-engagement")
    chat.submit({"stage/local-government": "2"})  # Aware
    purposeful = assessment(content, COMMUNITY).items[0].stage_for(9).indicators[0].id
    chat.submit({"indicators": purposeful})
    assert chat.last.form_errors is not None
    assert chat.last.form_errors.errors == {
        "indicators": content.assessment.errors.not_an_indicator
    }
    assert stored(database)[0].indicators == {}


@pytest.mark.parametrize(
    "press",
    [
        "assess:start:astrology",
        "assess:resume:",
        "assess:restart:leadership/../x",
        "assess:results:nothing",
        "assess:remind:maybe",
        "assess:unknown:leadership",
    ],
)
def test_tampered_buttons_no_longer_apply(
    chat: ChatScript, database: Database, content: Content, press: str
) -> None:
    chat.press(press)
    assert chat.text.startswith(content.coach.general.stale_choice)
    assert stored(database) == []
    assert schedules(database) == []


@pytest.mark.parametrize(
    "form_id", ["assess.leadership.0", "assess.leadership.5", "assess.astrology.1", "assess.x"]
)
def test_tampered_forms_no_longer_apply(
    chat: ChatScript, database: Database, content: Content, form_id: str
) -> None:
    chat.press("assess:start:leadership")
    assert chat.form is not None
    form = replace(chat.form, form_id=form_id)
    chat.submit({field.name: "3" for field in form.fields}, form)
    assert chat.text.startswith(content.coach.general.stale_choice)
    assert stored(database) == []


def test_a_page_of_an_assessment_finished_since_no_longer_applies(
    chat: ChatScript, database: Database, content: Content, clock: FixedClock
) -> None:
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, rate("3"), pages_to_answer=1)
    old_page_two = chat.form
    assert old_page_two is not None
    answer(chat, COMPETENCIES, rate("3"))
    assert stored(database)[0].finished_at is not None
    chat.submit({field.name: "1" for field in old_page_two.fields}, old_page_two)
    assert chat.text.startswith(content.coach.general.stale_choice)
    [row] = stored(database)  # no new assessment started from a stale page
    assert set(row.answers.values()) == {3}

    clock.advance_to(datetime(2027, 2, 24, 16, 0, tzinfo=UTC))
    chat.press("assess:start:competencies")  # a new one: the old page belongs to the old one
    answer(chat, COMPETENCIES, rate("5"), pages_to_answer=1)
    chat.submit({field.name: "1" for field in old_page_two.fields}, old_page_two)
    assert chat.text.startswith(content.coach.general.stale_choice)
    _, started = stored(database)
    assert started.finished_at is None
    assert set(started.answers.values()) == {5}
    assert len(started.answers) == 4


def test_a_second_first_page_does_not_start_a_second_assessment(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.press("assess:start:competencies")
    one = chat.form
    chat.press("assess:start:competencies")
    two = chat.form
    assert one is not None
    assert two is not None
    chat.submit({field.name: "2" for field in two.fields}, two)
    chat.submit({field.name: "5" for field in one.fields}, one)
    assert chat.text.startswith(content.coach.general.stale_choice)
    [row] = stored(database)
    assert set(row.answers.values()) == {2}


def test_another_person_sees_and_changes_nothing_of_it(
    engine: Engine, database: Database, content: Content
) -> None:
    ana = ChatScript(engine)
    ana.press("assess:start:leadership")
    answer(ana, LEADERSHIP, rate("4"), pages_to_answer=1)
    page_two = ana.form
    assert page_two is not None
    bo = ChatScript(engine, user_id="U-bo")
    bo.command("coach", "assess history")
    assert bo.text.startswith(content.assessment.history.empty)
    assert "in progress" not in bo.text
    bo.submit({field.name: "1" for field in page_two.fields}, page_two)
    assert bo.text.startswith(content.coach.general.stale_choice)
    [row] = stored(database)
    assert len(row.answers) == 6


# ----- results over time, and history -----------------------------------------------------------


def test_the_radar_draws_the_latest_over_the_previous_ones(
    chat: ChatScript, clock: FixedClock, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[dict[str, Any]] = []
    real = draw_radar

    def spy(*args: Any, **kwargs: Any) -> bytes:
        drawn.append({"args": args, **kwargs})
        return real(*args, **kwargs)

    monkeypatch.setattr(assess, "draw_radar", spy)
    take(chat, COMPETENCIES, rate("2"))
    clock.advance_to(datetime(2027, 2, 24, 16, 0, tzinfo=UTC))
    take(chat, COMPETENCIES, rate("4"))
    first, second = drawn
    assert first["args"][2] == []  # nothing earlier to draw under the first
    labels_drawn, latest, previous = second["args"]
    assert labels_drawn == [item.label for item in assessment(content, COMPETENCIES).items]
    assert latest == [4.0] * 13
    assert previous == [[2.0] * 13]
    assert second["previous_labels"] == ["Mon 23 Nov 2026"]
    assert second["latest_label"] == "Wed 24 Feb (latest)"
    assert second["scale_max"] == 5


def test_history_lists_every_finished_one_with_its_date_and_a_trend_per_kind(
    chat: ChatScript, clock: FixedClock, content: Content
) -> None:
    chat.command("coach", "assess history")
    assert chat.text.startswith(content.assessment.history.empty)
    assert labels(chat) == [content.assessment.buttons.open]

    take(chat, COMPETENCIES, rate("2"))
    take(chat, COMMUNITY, rate("5"))
    clock.advance_to(datetime(2027, 2, 24, 16, 0, tzinfo=UTC))
    take(chat, COMPETENCIES, rate("3"))
    chat.press("assess:start:leadership")
    answer(chat, LEADERSHIP, rate("3"), pages_to_answer=1)

    chat.command("coach", "assess history")
    summary, competencies, community = chat.replies
    assert summary.text.splitlines()[:4] == [
        content.assessment.history.heading,
        "• Competencies: Mon 23 Nov 2026",
        "• Competencies: Wed 24 Feb",
        "• Community engagement: Mon 23 Nov 2026",
    ]
    assert "Leadership abilities: " not in summary.text  # in progress: not in the history
    assert "Leadership abilities assessment in progress (6 of 19 answered)" in summary.text
    assert competencies.text == "Competencies: your ratings over time"
    [trend] = competencies.images
    assert trend.data.startswith(PNG)
    assert "Self-Awareness from 2 to 3 over 2 assessments" in trend.alt_text
    assert community.text == content.assessment.history.single_assessment.format(
        assessment="Community engagement"
    )
    assert community.images[0].data.startswith(PNG)
    assert [c.value for c in community.choices] == ["assess:results:community-engagement"]
    chat.press("assess:results:competencies")
    assert chat.replies[0].text == "*Competencies*, Wed 24 Feb"
    assert content.assessment.reminder.offer not in chat.text  # offered only on finishing


# ----- ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "strongest", "growth"),
    [
        # Ties are broken by the order of the questions.
        (
            [5, 5, 5, 4, 3, 3, 3, 3, 3, 2, 1, 1, 1],
            ["Self-Awareness", "Influence"],
            ["Influencing", "Leading Change"],
        ),
        # No area is both: with one at the bottom, the rest are not growth areas.
        (
            [5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1],
            ["Self-Awareness", "Influence"],
            ["Effective Decision Making"],
        ),
        # Everything at the top but one: that one alone is the area to grow.
        (
            [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2],
            ["Self-Awareness", "Influence"],
            ["Effective Decision Making"],
        ),
        # Everything at the bottom but one: that one alone stands out as strong.
        (
            [1, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 1, 1],
            ["Innovation/Embrace Risk Taking"],
            ["Self-Awareness", "Influence"],
        ),
    ],
)
def test_the_strongest_areas_and_areas_to_grow_with_ties(
    chat: ChatScript, content: Content, ratings: list[int], strongest: list[str], growth: list[str]
) -> None:
    ids = [item.id for item in assessment(content, COMPETENCIES).items]
    take(chat, COMPETENCIES, by_item(dict(zip(ids, map(str, ratings), strict=True))))
    words = content.assessment.results
    shown = [reply for reply in chat.replies if reply.text.startswith(("*", "•"))]
    strong_reply = next(r for r in shown if r.text.startswith(f"*{words.strongest}*"))
    names = [line.split("*")[1] for line in strong_reply.text.splitlines()[1:]]
    assert names == strongest
    growth_lines = [
        line
        for r in shown
        if "reflect:growth:" in "".join(c.value for c in r.choices)
        for line in r.text.splitlines()
        if line.startswith("•")
    ]
    assert [line.split("*")[1] for line in growth_lines] == growth


# ----- reflecting on a growth area --------------------------------------------------------------


def test_reflect_on_it_opens_the_reflection_with_the_area_s_prompt(
    chat: ChatScript, database: Database, content: Content
) -> None:
    take(chat, COMPETENCIES, by_item({"competencies/influence": "1"}, default="4"))
    growth = next(r for r in chat.replies if any("reflect:growth" in c.value for c in r.choices))
    chat.choose(content.assessment.results.reflect)
    form = chat.form
    assert form is not None
    assert form.form_id == "reflect.today"
    prompt = content.competencies.prompts_about("influence")[0]
    assert form.context == prompt
    assert "An area to grow from your self-assessment: Influence." in (form.intro or "")
    assert "Influence" in growth.text
    chat.submit({"reflection": "I persuade with stories, not data."})
    with database.unit_of_work() as uow:
        reflection = uow.session.scalars(select(Reflection)).one()
        assert (reflection.text, reflection.prompt) == (
            "I persuade with stories, not data.",
            prompt,
        )
    chat.press("reflect:growth:abilities/astrology")
    assert chat.text.startswith(content.coach.general.stale_choice)


def test_the_toolkit_step_button_opens_that_step(chat: ChatScript, content: Content) -> None:
    take(chat, COMPETENCIES, by_item({"competencies/learning-agility": "1"}, default="4"))
    chat.choose("Toolkit Step 7: Reflect")
    step = content.toolkit.step("step-7")
    assert step.guiding_question in chat.text


# ----- the quarterly reminder -------------------------------------------------------------------


def test_the_reminder_toggle_stores_and_clears_the_schedule(
    chat: ChatScript, database: Database, content: Content, clock: FixedClock
) -> None:
    chat.command("coach", "assess")
    chat.choose(content.assessment.buttons.remind_quarterly)
    assert chat.text == content.assessment.reminder.set
    [row] = schedules(database)
    assert row.kind == "reassess"
    assert row.next_due_at is not None
    chicago = row.next_due_at.astimezone(ZoneInfo("America/Chicago"))
    assert chicago.date() == date(2027, 2, 23)  # a quarter from now, no assessment yet

    clock.advance_to(datetime(2026, 12, 15, 15, 0, tzinfo=UTC))
    take(chat, COMPETENCIES, rate("3"))
    assert content.assessment.reminder.offer not in chat.text  # already on
    [row] = schedules(database)
    assert row.next_due_at is not None
    assert row.next_due_at.astimezone(ZoneInfo("America/Chicago")).date() == date(2027, 3, 15)

    chat.command("coach", "assess")
    assert chat.replies[-1].text == content.assessment.reminder.set
    chat.choose(content.assessment.buttons.no_reminder)
    assert chat.text == content.assessment.reminder.stopped
    assert schedules(database) == []
    chat.command("coach", "assess")
    assert chat.replies[-1].text == content.assessment.reminder.offer


def record(
    kind: str,
    finished: datetime | None,
    answers: dict[str, int | None],
    indicators: dict[str, tuple[str, ...]] | None = None,
    ident: int = 1,
) -> AssessmentRecordView:
    started = finished or datetime(2027, 1, 1, tzinfo=UTC)
    return AssessmentRecordView(ident, kind, answers, indicators or {}, started, started, finished)


def test_the_reminder_names_the_assessment_finished_longest_ago(content: Content) -> None:
    assert reassess_reminder_replies(content, [], today=date(2027, 3, 1)) == ()
    in_progress = record(LEADERSHIP, None, {})
    assert reassess_reminder_replies(content, [in_progress], today=date(2027, 3, 1)) == ()
    records = [
        record(COMMUNITY, datetime(2026, 9, 1, tzinfo=UTC), {}, ident=1),
        record(COMPETENCIES, datetime(2026, 10, 1, tzinfo=UTC), {}, ident=2),
        record(COMMUNITY, datetime(2026, 12, 1, tzinfo=UTC), {}, ident=3),
        in_progress,
    ]
    [reply] = reassess_reminder_replies(content, records, today=date(2027, 1, 2))
    assert reply.text.startswith(
        "It's a quarter since your last Competencies self-assessment (Thu 1 Oct 2026)."
    )
    assert [(c.label, c.value) for c in reply.choices] == [
        ("Reassess now", "assess:start:competencies"),
        ("Community engagement stage", "assess:start:community-engagement"),
        ("No reminders", "assess:remind:off"),
    ]


def test_reassess_now_picks_up_one_in_progress(chat: ChatScript, content: Content) -> None:
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, rate("3"), pages_to_answer=2)
    chat.press("assess:start:competencies")
    assert chat.form is not None
    assert chat.form.form_id == "assess.competencies.3"


# ----- the export ---------------------------------------------------------------------------------


def test_summaries_give_each_finished_assessment_in_words(content: Content) -> None:
    community = assessment(content, COMMUNITY)
    local = community.items[0]
    intentional = local.stage_for(6)
    records = [
        record(
            COMMUNITY,
            datetime(2026, 12, 1, tzinfo=UTC),
            {local.id: 6, "stage/science-issue-leaders": 9},
            {local.id: (intentional.indicators[1].id, intentional.indicators[0].id)},
            ident=2,
        ),
        record(
            COMPETENCIES,
            datetime(2026, 11, 1, tzinfo=UTC),
            {"competencies/self-awareness": 4, "competencies/influence": None},
            ident=1,
        ),
        record(LEADERSHIP, None, {"abilities/engagement/individuals": 5}, ident=3),
        record("retired-kind", datetime(2026, 10, 1, tzinfo=UTC), {}, ident=4),
    ]
    (first_title, first_at, first_lines), (title, at, lines) = assessment_summaries(
        content, records
    )
    assert (first_title, first_at) == ("Competencies", datetime(2026, 11, 1, tzinfo=UTC))
    assert first_lines[:3] == [
        ("Self-Awareness", "4 — Consistent"),
        ("Influence", "Skipped"),
        ("Communicating Effectively", "Skipped"),
    ]
    assert len(first_lines) == 13
    assert (title, at) == ("Community engagement", datetime(2026, 12, 1, tzinfo=UTC))
    ticked = f"{intentional.indicators[0].text}; {intentional.indicators[1].text}"
    assert lines == [
        ("local govt", f"6 — Intentional; ticked: {ticked}"),
        ("DEI community leaders", "Skipped"),
        ("leaders around science issues", "9 — Purposeful"),
    ]


# ----- the terminal -----------------------------------------------------------------------------


def run_console(engine: Engine, lines: list[str], exports: Path) -> str:
    feed: Iterator[str] = iter(lines)
    output = io.StringIO()
    ConsoleChat(
        engine=engine,
        user_id="ana",
        time_zone="Europe/London",
        read=lambda _prompt: next(feed, None),
        console=terminal_console(output, width=200),
        exports=exports,
    ).run()
    return output.getvalue()


def test_the_terminal_can_leave_resume_and_complete_one(
    engine: Engine, database: Database, content: Content, tmp_path: Path
) -> None:
    # The menu's choices: [1] Start leadership, [2] Start competencies, [3] Start community...
    first_page = ["4", "", "5", "3"]  # the second one skipped with an empty line
    out = run_console(engine, ["/coach assess", "2", *first_page, "2", "/quit"], tmp_path)
    assert "Competencies, page 1 of 3." in out
    assert content.assessment.pages.skip_note in out
    assert "Saved. Competencies goes on with page 2 of 3." in out
    [row] = stored(database)
    assert row.finished_at is None
    assert row.answers == {
        "competencies/self-awareness": 4,
        "competencies/influence": None,
        "competencies/communicating-effectively": 5,
        "competencies/learning-agility": 3,
    }
    # Later: the menu offers to pick up where they left off; [2] is that button now.
    rest = ["1"] * 5 + ["2"] * 4
    out = run_console(engine, ["/coach assess", "2", *rest, "/quit"], tmp_path)
    assert "Pick up where I left off (4/13)" in out
    assert "Competencies, Mon 23 Nov" in out
    assert "Your strongest areas" in out
    assert "Picture saved" in out
    [row] = stored(database)
    assert row.finished_at is not None
    assert row.answers["competencies/effective-decision-making"] == 2
    [picture] = (tmp_path / "ana").glob("self-assessment-competencies-*.png")
    assert picture.read_bytes().startswith(PNG)
