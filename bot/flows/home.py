"""The person's home page: what's next, the plan, the toolkit, reflections, self-assessment."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.core.messages import Choice, HomePage, HomeSection
from bot.flows.assess import home_section as _self_assessment
from bot.flows.base import Turn, choice_value
from bot.flows.privacy import home_line as your_data
from bot.flows.team import TeamFlow
from bot.flows.toolkit import current_position, next_step, render_overview
from bot.flows.wording import due_text

RECENT_REFLECTIONS = 5
UPCOMING_RELATIONSHIPS = 3
PREVIEW_CHARACTERS = 280


def build_home(turn: Turn) -> HomePage:
    coach = turn.content.coach
    words = coach.home
    data_line, data_choices = your_data(turn)
    return HomePage(
        title=words.title,
        sections=(
            _whats_next(turn),
            _relationships(turn),
            _steps(turn),
            _reflections(turn),
            _self_assessment(turn),
            _team_prompts(turn),
            HomeSection(
                heading=words.help_heading,
                lines=(
                    *(
                        words.help_line.format(usage=c.usage, description=c.description)
                        for c in coach.commands.values()
                    ),
                    data_line,
                ),
                choices=data_choices,
            ),
        ),
    )


def _team_prompts(turn: Turn) -> HomeSection:
    """The team channels' weekly prompts this person looks after, each a button away."""
    heading, lines, choices = TeamFlow().home_lines(turn)
    return HomeSection(heading=heading, lines=lines, choices=choices)


def _whats_next(turn: Turn) -> HomeSection:
    coach = turn.content.coach
    words = coach.home
    position = current_position(turn)
    if position is None:
        first = turn.content.toolkit.step(coach.toolkit.first_step)
        line = words.next_start.format(question=first.guiding_question)
        label = coach.labels.start_toolkit
    elif position[1] is None:  # that step is finished: what follows it
        following = next_step(turn, position[0])
        if following is None:
            return HomeSection(heading=words.next_heading, lines=(words.next_done,))
        line = words.next_step.format(number=following.number, question=following.guiding_question)
        label = coach.labels.continue_toolkit
    else:
        step, question = position
        answers = turn.reads.answers(step_id=step.id)
        total = len(step.reflection_questions)
        answered = sum(q.id in answers for q in step.reflection_questions)
        line = words.next_continue.format(
            number=step.number, question=step.guiding_question, answered=answered, total=total
        )
        waiting = (
            words.current_question.format(
                position=step.reflection_questions.index(question) + 1, text=_preview(question.text)
            )
            if question is not None
            else None
        )
        choice = Choice(choice_value("toolkit", "continue"), coach.labels.answer_now, "primary")
        lines = (line, waiting) if waiting else (line,)
        return HomeSection(heading=words.next_heading, lines=lines, choices=(choice,))
    choice = Choice(choice_value("toolkit", "continue"), label, style="primary")
    return HomeSection(heading=words.next_heading, lines=(line,), choices=(choice,))


def _relationships(turn: Turn) -> HomeSection:
    """The plan at a glance: who is due next, what is overdue, open action items."""
    coach = turn.content.coach
    words = coach.home
    relationships = [r for r in turn.reads.relationships() if not r.paused]
    plan_button = Choice(choice_value("plan", "start"), coach.labels.your_plan)
    if not relationships:
        add = Choice(choice_value("plan", "add"), coach.labels.add_relationship, "primary")
        return HomeSection(
            heading=words.plan_heading, lines=(words.plan_empty,), choices=(add, plan_button)
        )
    time_zone = turn.reads.nudge_settings().time_zone
    upcoming = sorted(
        (r for r in relationships if r.next_due_at is not None),
        key=lambda r: r.next_due_at or turn.now,
    )[:UPCOMING_RELATIONSHIPS]
    lines = [
        words.plan_due_line.format(
            name=r.name,
            date=due_text(
                turn.content, r.next_due_at or turn.now, time_zone=time_zone, today=turn.today
            ),
        )
        for r in upcoming
    ]
    overdue = sum(1 for r in relationships if r.next_due_at and r.next_due_at <= turn.now)
    if overdue:
        lines.append(words.plan_overdue.format(count=overdue))
    open_actions = turn.reads.action_items(include_done=False)
    if open_actions:
        lines.append(words.plan_actions.format(count=len(open_actions)))
    choices = (
        Choice(choice_value("checkin", "start"), coach.labels.log_checkin, "primary"),
        plan_button,
        Choice(choice_value("plan", "actions"), coach.labels.action_plan),
    )
    return HomeSection(heading=words.plan_heading, lines=tuple(lines), choices=choices)


def _local_day(moment: datetime, local_zone: ZoneInfo) -> date:
    return moment.astimezone(local_zone).date()


def _steps(turn: Turn) -> HomeSection:
    """The seven steps with the person's progress, a button to each, and the export."""
    overview = render_overview(turn)
    heading, *lines = overview.text.split("\n")
    return HomeSection(heading=heading, lines=tuple(lines), choices=overview.choices)


def _reflections(turn: Turn) -> HomeSection:
    coach = turn.content.coach
    words = coach.home
    recent = turn.reads.recent_reflections(limit=RECENT_REFLECTIONS)
    lines = tuple(
        words.reflection_line.format(date=r.created_at.date().isoformat(), text=_preview(r.text))
        for r in recent
    ) or (words.reflections_empty,)
    choices = (
        Choice(choice_value("reflect", "start"), coach.labels.reflect),
        Choice(choice_value("reflect", "history"), coach.labels.reflections),
    )
    return HomeSection(heading=words.reflections_heading, lines=lines, choices=choices)


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARACTERS else text[: PREVIEW_CHARACTERS - 1] + "…"
