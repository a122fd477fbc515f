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

import bot.documents.assessment_chart as assessment_chart
import bot.flows.assess as assess
from bot.adapters.console.chat import ConsoleChat, terminal_console
from bot.adapters.slack.render import render_modal
from bot.core.clock import FixedClock
from bot.core.messages import Form, FormField, HomeSection
from bot.documents.assessment_chart import draw_radar, draw_trend
from bot.engine.turns import Engine
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


def home_section(chat: ChatScript, content: Content) -> HomeSection:
    chat.home()
    page = chat.last.home
    assert page is not None
    [section] = [s for s in page.sections if s.heading == content.assessment.home.heading]
    return section


def test_home_shows_where_each_assessment_stands_with_a_button_for_each(
    chat: ChatScript, content: Content
) -> None:
    section = home_section(chat, content)
    assert section.lines == (
        "Leadership abilities: Not taken yet.",
        "Competencies: Not taken yet.",
        "Community engagement: Not taken yet.",
    )
    assert [(c.label, c.value) for c in section.choices] == [
        ("Start: Leadership abilities", "assess:start:leadership"),
        ("Start: Competencies", "assess:start:competencies"),
        ("Start: Community engagement", "assess:start:community-engagement"),
        ("Self-assessment", "assess:start:"),
    ]
    take(chat, COMPETENCIES, rate("3"))
    chat.press("assess:start:leadership")
    answer(chat, LEADERSHIP, rate("3"), pages_to_answer=1)
    section = home_section(chat, content)
    assert section.lines == (
        "Leadership abilities: In progress: 6 of 19 answered.",
        "Competencies: Last finished Mon 23 Nov (1 in all).",
        "Community engagement: Not taken yet.",
    )
    assert [(c.label, c.value) for c in section.choices] == [
        ("Pick up where I left off: Leadership abilities", "assess:resume:leadership"),
        ("Reassess now: Competencies", "assess:start:competencies"),
        ("Start: Community engagement", "assess:start:community-engagement"),
        ("History", "assess:history:"),
        ("Self-assessment", "assess:start:"),
    ]
    chat.press(section.choices[0].value)
    assert chat.form is not None
    assert chat.form.form_id == "assess.leadership.2"


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


def assert_fits_a_modal(form: Form) -> None:
    """Slack's limits, on the form itself: the renderer clips what is too long, which would
    hide a label or hint cut short."""
    assert 0 < len(form.title) <= 24
    assert 0 < len(form.submit_label) <= 24
    assert len(form.context) < 3000
    for field in form.fields:
        assert 0 < len(field.label) <= 2000
        assert field.hint is None or len(field.hint) <= 2000
        assert field.hint is None or "\n" not in field.hint  # set in italics as one line
        assert 0 < len(field.options) <= (10 if field.multiple else 100)
        assert all(len(label) <= 75 and len(value) <= 150 for value, label in field.options)
    view = render_modal(form)
    assert len(view["blocks"]) < 100  # none cut off


def test_every_page_fits_a_slack_modal(engine: Engine, content: Content) -> None:
    """Every page of each assessment, and the indicators page of every stage of every partner
    kind (three people score each partner kind in a different stage)."""
    seen: set[str] = set()
    indicator_pages: set[tuple[str, str]] = set()
    community = assessment(content, COMMUNITY)
    for person, scores in enumerate([(2, 6, 9), (6, 9, 2), (9, 2, 6)]):
        chat = ChatScript(engine, user_id=f"U-{person}")
        ratings = {item.id: str(score) for item, score in zip(community.items, scores, strict=True)}
        for kind in (LEADERSHIP, COMPETENCIES, COMMUNITY):
            chat.press(f"assess:start:{kind}")
            while chat.form is not None and chat.form.form_id.startswith(f"assess.{kind}."):
                form = chat.form
                assert_fits_a_modal(form)
                seen.add(form.form_id)
                values = {f.name: ratings.get(f.name, f.options[-1][0]) for f in form.fields}
                if form.fields[0].multiple:  # an indicators page: the stage just scored
                    page = pages(community)[int(form.form_id.rsplit(".", 1)[1]) - 1]
                    item = page.items[0]
                    stage = item.stage_for(int(ratings[item.id]))
                    assert [v for v, _ in form.fields[0].options] == [
                        i.id for i in stage.indicators
                    ]
                    indicator_pages.add((item.id, stage.id))
                    values = {"indicators": ",".join(v for v, _ in form.fields[0].options)}
                chat.submit(values)
                assert chat.last.form_errors is None
    assert len(seen) == 4 + 3 + 6
    assert indicator_pages == {
        (item.id, stage.id) for item in community.items for stage in item.stages
    }


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
    first, second = form.fields[:2]
    engagement = resolved.items[0]
    ability = content.leadership.ability("engagement")
    assert first.name == engagement.id
    assert first.label == engagement.question
    # The source's description anchors the rating, with its detail; the other half's question
    # says what differs instead of repeating it.
    assert first.hint == f"{ability.definition} {ability.detail}"
    assert second.label == resolved.items[1].question
    assert second.hint is not None
    assert "Neighborhoods and Communities" in second.hint
    assert ability.definition not in second.hint
    # What each half of A Leader's Work means, once above the questions.
    for half in content.leadership.leaders_work.halves:
        assert (form.intro or "").count(half.description) == 1
        assert all(item in (form.intro or "") for item in half.items)
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
    # A notification shows the first words: they name no rating.
    assert heading.text == "Your Leadership abilities results, Mon 23 Nov"
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
        ("Add to your plan: Staff", "plan:add:staff"),  # nobody of that group yet
    ]
    assert offer.text == content.assessment.reminder.offer  # the reminder is off
    assert [c.value for c in offer.choices] == ["assess:remind:on"]


def test_finishing_competencies(chat: ChatScript, database: Database, content: Content) -> None:
    answered = take(chat, COMPETENCIES, rate("4"))
    assert answered == ["assess.competencies.1", "assess.competencies.2", "assess.competencies.3"]
    [row] = stored(database)
    assert row.finished_at is not None
    assert list(row.answers.values()) == [4] * 13
    equal = chat.replies[1]
    assert equal.text == content.assessment.results.all_equal  # nothing stands out
    assert chat.replies[0].images[0].data.startswith(PNG)
    # ... so every area is offered, each leading to its reflection and work.
    resolved = assessment(content, COMPETENCIES)
    assert [(c.label, c.value) for c in equal.choices] == [
        (item.label, f"assess:area:{item.area}") for item in resolved.items
    ]
    chat.choose("Learning Agility")
    [area] = chat.replies
    assert area.text == "• *Learning Agility*: 4 — Consistent"
    assert [c.value for c in area.choices] == [
        "reflect:growth:competencies/learning-agility",
        "toolkit:open:step-7",
    ]
    chat.choose("Reflect on it")
    assert chat.form is not None
    assert chat.form.form_id == "reflect.today"


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
    assert "• *Local govt*: 6 — Intentional" in strongest.text  # capitalised, starting a line
    assert "• *Leaders around science issues*: 2 — Aware" in growth.text
    assert aware.way_forward in growth.text  # the way forward from where they are
    assert [(c.label, c.value) for c in growth.choices] == [
        ("Reflect on it", "reflect:growth:stage/science-issue-leaders"),
        ("Add to your plan: Leaders around science issues", "plan:add:science-issue-leaders"),
    ]
    # Adding someone from that group: the plan's form with the group chosen already.
    chat.choose("Add to your plan: Leaders around science issues")
    form = chat.form
    assert form is not None
    assert form.form_id == "plan.relationship"
    constituency = next(f for f in form.fields if f.name == "constituency")
    assert constituency.initial == "science-issue-leaders"


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
    assert "Local govt" in growth.text
    assert (growth.choices[-1].label, growth.choices[-1].value) == (
        "Strategies for City manager (Local govt) in your plan",
        f"plan:show:{relationship_id}",
    )
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
        content.assessment.buttons.discard,
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
    # It says what saving it does, in the form and in the terminal's reply.
    note = "saving this first page replaces your answers so far (6 of 19 answered)"
    assert note in (chat.form.intro or "")
    assert note in chat.text
    assert len(stored(database)[0].answers) == 6  # closing this form would lose nothing
    chat.submit({field.name: "5" for field in chat.form.fields})
    [row] = stored(database)
    assert row.started_at == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert set(row.answers.values()) == {5}
    assert chat.form is not None
    assert chat.form.form_id == "assess.leadership.2"
    assert chat.form.context == "2026-11-24T15:00:00+00:00"


def test_discard_throws_away_the_one_in_progress_once_confirmed(
    chat: ChatScript, database: Database, content: Content
) -> None:
    take(chat, COMPETENCIES, rate("2"))
    chat.press("assess:start:competencies")
    chat.choose(content.assessment.buttons.again)
    answer(chat, COMPETENCIES, rate("4"), pages_to_answer=1)
    chat.command("coach", "assess")
    chat.choose(content.assessment.buttons.discard)
    [question] = chat.replies
    assert question.text.startswith(
        "Throw away your Competencies assessment in progress (4 of 13 answered)?"
    )
    chat.choose(content.assessment.buttons.keep)  # changed their mind: it goes on
    assert chat.form is not None
    assert chat.form.form_id == "assess.competencies.2"
    assert len(stored(database)) == 2

    chat.command("coach", "assess")
    chat.choose(content.assessment.buttons.discard)
    chat.choose(content.assessment.buttons.discard_confirm)
    assert chat.text == "Your Competencies assessment in progress is thrown away."
    [kept] = stored(database)  # the finished one stays
    assert kept.finished_at is not None
    assert set(kept.answers.values()) == {2}
    chat.press("assess:discard-confirm:competencies")  # pressed again: nothing left to discard
    assert chat.text.startswith(content.coach.general.stale_choice)
    assert len(stored(database)) == 1


def test_a_finished_kind_is_offered_again_as_reassess_and_asks_first_on_the_same_day(
    chat: ChatScript, database: Database, clock: FixedClock, content: Content
) -> None:
    take(chat, COMPETENCIES, rate("2"))
    chat.command("coach", "assess")
    competencies = chat.replies[2]
    assert [(c.label, c.value) for c in competencies.choices] == [
        ("Reassess now", "assess:start:competencies"),
        ("See results", "assess:results:competencies"),
    ]
    chat.choose("Reassess now")
    assert chat.form is None  # finished today already: asks first
    assert chat.text == content.assessment.menu.again_question.format(assessment="Competencies")
    assert len(stored(database)) == 1
    chat.choose(content.assessment.buttons.again)
    assert chat.form is not None
    assert (chat.form.form_id, chat.form.context) == ("assess.competencies.1", "new")

    clock.advance_to(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # another day: no question
    chat.press("assess:start:competencies")
    assert chat.form is not None
    assert chat.form.form_id == "assess.competencies.1"


def test_pictures_of_the_same_day_are_named_apart(
    chat: ChatScript, clock: FixedClock, content: Content
) -> None:
    """The terminal saves a picture by its name: two results or trends must not share one."""
    take(chat, COMPETENCIES, rate("2"))
    first = chat.replies[0].images[0].filename
    clock.advance_to(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    chat.press("assess:start:competencies")
    chat.choose(content.assessment.buttons.again)
    answer(chat, COMPETENCIES, rate("4"))
    second = chat.replies[0].images[0].filename
    assert first == "self-assessment-competencies-2026-11-23-090000.png"  # local time
    assert second == "self-assessment-competencies-2026-11-23-103000.png"
    chat.command("coach", "assess history")
    trend = chat.replies[1].images[0].filename
    clock.advance_to(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))
    chat.press("assess:start:competencies")
    chat.choose(content.assessment.buttons.again)
    answer(chat, COMPETENCIES, rate("5"))
    chat.command("coach", "assess history")
    assert chat.replies[1].images[0].filename != trend


def test_the_trend_starts_its_scale_at_1_and_dates_carry_their_year(
    chat: ChatScript, clock: FixedClock, content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[dict[str, Any]] = []
    real = draw_trend

    def spy(*args: Any, **kwargs: Any) -> bytes:
        drawn.append({"args": args, **kwargs})
        return real(*args, **kwargs)

    # The flow imports the chart module when it draws, so the spy goes on that module.
    monkeypatch.setattr(assessment_chart, "draw_trend", spy)
    take(chat, COMPETENCIES, by_item({"competencies/influence": ""}, default="2"))
    clock.advance_to(datetime(2027, 2, 24, 16, 0, tzinfo=UTC))
    take(chat, COMPETENCIES, rate("3"))
    take(chat, COMMUNITY, rate("6"))
    chat.command("coach", "assess history")
    [competencies] = drawn  # community has one finished: no chart
    assert (competencies["scale_min"], competencies["scale_max"]) == (1, 5)
    format_date = competencies["format_date"]
    assert format_date(date(2027, 2, 24)) == "24 Feb 2027"
    alt = chat.replies[1].images[0].alt_text
    assert "Influence 3, rated once" in alt  # not "over 1 assessments"
    assert "Self-Awareness from 2 to 3 over 2 assessments" in alt


def test_an_empty_answer_is_a_skip(chat: ChatScript, database: Database, content: Content) -> None:
    take(chat, COMPETENCIES, by_item({"competencies/influence": "2"}, default=""))
    [row] = stored(database)
    assert row.finished_at is not None
    assert row.answers["competencies/influence"] == 2
    assert [value for value in row.answers.values() if value is not None] == [2]
    radar = chat.replies[0].images[0]
    assert "Influence 2 of 5" in radar.alt_text
    assert "Self-Awareness" not in radar.alt_text  # skipped: not charted


def test_an_assessment_with_every_question_skipped_is_not_finished(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, lambda field: "", pages_to_answer=2)
    last = chat.form
    assert last is not None
    assert last.form_id == "assess.competencies.3"
    chat.submit({field.name: "" for field in last.fields})
    errors = chat.last.form_errors
    assert errors is not None
    assert errors.errors == {last.fields[0].name: content.assessment.errors.all_skipped}
    [row] = stored(database)
    assert row.finished_at is None  # kept in progress, pages 1 and 2 skipped
    assert len(row.answers) == 9
    chat.submit(
        {field.name: "3" if field is last.fields[-1] else "" for field in last.fields}, last
    )
    assert chat.last.form_errors is None
    [row] = stored(database)
    assert row.finished_at is not None
    assert [v for v in row.answers.values() if v is not None] == [3]


def test_every_question_skipped_is_refused_on_a_stage_page_too(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.press("assess:start:community-engagement")
    chat.submit({"stage/local-government": ""})  # skipped: no indicators page
    chat.submit({"stage/dei-community-leaders": ""})
    assert chat.form is not None
    assert chat.form.form_id == "assess.community-engagement.5"
    chat.submit({"stage/science-issue-leaders": ""})
    assert chat.last.form_errors is not None
    assert chat.last.form_errors.errors == {
        "stage/science-issue-leaders": content.assessment.errors.all_skipped
    }
    assert stored(database)[0].finished_at is None


def test_everything_answered_but_not_finished_is_finished_when_picked_up(
    chat: ChatScript, database: Database, content: Content
) -> None:
    """An assessment whose every page is answered but that was never finished (a question was
    removed from the content since): picking it up finishes it and shows its results."""
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, rate("3"), pages_to_answer=2)
    last_ids = [f.name for f in (chat.form.fields if chat.form else ())]
    with database.unit_of_work() as uow:
        row = uow.session.scalars(select(SelfAssessment)).one()
        row.answers = {**row.answers, **dict.fromkeys(last_ids, 4)}
    chat.command("coach", "assess")
    chat.choose("Pick up where I left off (13/13)")
    [row] = stored(database)
    assert row.finished_at == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert chat.replies[0].text == "Your Competencies results, Mon 23 Nov"
    assert chat.replies[0].images[0].data.startswith(PNG)


def test_everything_skipped_but_not_finished_asks_for_a_rating_again(
    chat: ChatScript, database: Database, content: Content
) -> None:
    chat.press("assess:start:competencies")
    answer(chat, COMPETENCIES, lambda field: "", pages_to_answer=2)
    last_ids = [f.name for f in (chat.form.fields if chat.form else ())]
    with database.unit_of_work() as uow:
        row = uow.session.scalars(select(SelfAssessment)).one()
        row.answers = {**row.answers, **dict.fromkeys(last_ids)}
    chat.press("assess:resume:competencies")
    assert chat.form is not None
    assert chat.form.form_id == "assess.competencies.3"  # not finished empty
    assert stored(database)[0].finished_at is None


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
        "assess:discard:leadership",  # nothing in progress
        "assess:discard-confirm:leadership",
        "assess:area:competencies/influence",  # nothing finished
        "assess:area:competencies/astrology",
        "plan:add:astrology",  # a growth link to a group the plan does not have
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

    monkeypatch.setattr(assessment_chart, "draw_radar", spy)
    take(chat, COMPETENCIES, rate("2"))
    clock.advance_to(datetime(2027, 2, 24, 16, 0, tzinfo=UTC))
    take(chat, COMPETENCIES, rate("4"))
    first, second = drawn
    assert first["args"][2] == []  # nothing earlier to draw under the first
    labels_drawn, latest, previous = second["args"]
    assert labels_drawn == [item.label for item in assessment(content, COMPETENCIES).items]
    assert latest == [4.0] * 13
    assert previous == [[2.0] * 13]
    # A picture is kept: its dates carry their year.
    assert second["previous_labels"] == ["23 Nov 2026"]
    assert second["latest_label"] == "24 Feb 2027 (latest)"
    # 1-5: the centre is a step below 1, so a 1 is a ring of its own and no ring reads 0.
    assert (second["scale_min"], second["scale_max"]) == (0, 5)


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
    # One finished: a chart of lone dots would say nothing; how to get a trend instead.
    assert community.text == content.assessment.history.single_assessment.format(
        assessment="Community engagement"
    )
    assert not community.images
    assert [c.value for c in community.choices] == ["assess:results:community-engagement"]
    chat.press("assess:results:competencies")
    assert chat.replies[0].text == "Your Competencies results, Wed 24 Feb"
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
    [row] = schedules(database)
    assert row.kind == "reassess"
    assert row.next_due_at is not None
    chicago = row.next_due_at.astimezone(ZoneInfo("America/Chicago"))
    assert chicago.date() == date(2027, 2, 23)  # a quarter from now, no assessment yet
    # It says when the first one comes, and can be undone at once.
    assert chat.text == content.assessment.reminder.confirmed.format(date="Tue 23 Feb 2027")
    assert [(c.label, c.value) for c in chat.choices] == [
        (content.assessment.buttons.no_reminder, "assess:remind:off")
    ]

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


def test_the_reminder_names_the_latest_assessment_on_its_local_date(content: Content) -> None:
    """The schedule counts a quarter from the latest finished (of any kind): that is the one
    to name, on the day it was where the person is."""
    chicago = ZoneInfo("America/Chicago")
    records = [
        record(COMMUNITY, datetime(2026, 9, 1, 15, 0, tzinfo=UTC), {}, ident=1),
        record(COMPETENCIES, datetime(2026, 10, 1, 3, 30, tzinfo=UTC), {}, ident=2),
        record(COMMUNITY, datetime(2026, 8, 1, 15, 0, tzinfo=UTC), {}, ident=3),
        record(LEADERSHIP, None, {}, ident=4),  # in progress: not a finished one
    ]
    [reply] = reassess_reminder_replies(content, records, today=date(2027, 1, 2), zone=chicago)
    # 03:30 UTC on 1 October is the evening of 30 September in Chicago.
    assert reply.text.startswith(
        "It's a quarter since your last Competencies self-assessment (Wed 30 Sep 2026)."
    )
    assert [(c.label, c.value) for c in reply.choices] == [
        ("Reassess now", "assess:start:competencies"),
        ("Leadership abilities and values", "assess:start:leadership"),
        ("Community engagement stage", "assess:start:community-engagement"),
        ("No reminders", "assess:remind:off"),
    ]
    [utc] = reassess_reminder_replies(
        content, records, today=date(2027, 1, 2), zone=ZoneInfo("UTC")
    )
    assert "(Thu 1 Oct 2026)" in utc.text


def test_the_reminder_with_nothing_finished_invites_a_first_one(content: Content) -> None:
    in_progress = record(LEADERSHIP, None, {})
    for records in ([], [in_progress]):
        [reply] = reassess_reminder_replies(
            content, records, today=date(2027, 3, 1), zone=ZoneInfo("Europe/London")
        )
        assert reply.text == content.assessment.reminder.first
        assert [c.value for c in reply.choices] == [
            "assess:start:leadership",
            "assess:start:competencies",
            "assess:start:community-engagement",
            "assess:remind:off",
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
    # What the points mean is in the terminal too (it shows no form intro).
    for point in content.assessment.rating.points:
        assert f"{point.value} — {point.label}: {point.hint}" in out
    # A form of choices, where an empty answer skips: the header does not say it cancels.
    assert "an empty first line cancels" not in out
    assert assessment(content, COMPETENCIES).items[0].hint[:40] in out
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
    assert "Your Competencies results, Mon 23 Nov" in out
    assert "Your strongest areas" in out
    assert "Picture saved" in out
    [row] = stored(database)
    assert row.finished_at is not None
    assert row.answers["competencies/effective-decision-making"] == 2
    [picture] = (tmp_path / "ana").glob("self-assessment-competencies-*.png")
    assert picture.read_bytes().startswith(PNG)
