"""The plan's balance: which constituencies are on track, which are neglected, and a chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from bot.core.messages import Choice, Image, Reply
from bot.core.schedule import cadence_length
from bot.core.text import shorten
from bot.flows.base import choice_value
from bot.flows.plan_model import CheckInView, RelationshipView
from content import Content
from content.balance import BalanceStatusText

WINDOW_DAYS = 90
"""How far back the balance looks."""

OTHER = "other"
CHART_FILENAME = "relationship-balance.png"
TEXT_LIMIT = 2900  # a Slack section holds 3000 characters; the rest is the "more" line's room
NAME_LIMIT = 60  # longer names are cut in the text (the chart wraps them whole)
NEGLECTED_SHOWN = 3  # neglected relationships named per constituency; the rest are counted
ALT_TEXT_LIMIT = 1000

Status = Literal["on-track", "due", "neglected"]
_SEVERITY: dict[Status, int] = {"on-track": 0, "due": 1, "neglected": 2}

Standing = Literal["none-due", "ahead", "on-track", "behind", "due", "neglected"]
"""How a constituency reads beside its figures: the time since its check-ins first (due,
neglected), else its logged check-ins against its planned ones, so the word never contradicts
the numbers before it."""

_COLOUR: dict[Standing, Status] = {
    "none-due": "on-track",
    "ahead": "on-track",
    "on-track": "on-track",
    "behind": "due",
    "due": "due",
    "neglected": "neglected",
}


@dataclass(frozen=True)
class RelationshipBalance:
    """One active relationship over the window: check-ins planned (those its cadence brought
    due in the window, counted from the day it was added) and logged, and how long since its
    last check-in (or, with none, since it was added)."""

    relationship: RelationshipView
    planned: int
    logged: int
    since: timedelta
    status: Status


@dataclass(frozen=True)
class ConstituencyBalance:
    """The active relationships of one constituency, and how the constituency is doing."""

    key: str  # the constituency or partner-kind id, or "other:<label, case-folded>"
    name: str
    relationships: tuple[RelationshipBalance, ...]

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.relationships)

    @property
    def planned_count(self) -> int:
        """The planned check-ins as shown (a whole number: the ones that fell due)."""
        return self.planned

    @property
    def logged(self) -> int:
        return sum(r.logged for r in self.relationships)

    @property
    def status(self) -> Status:
        """The worst of its relationships: neglected if any is, else due if any is."""
        return max((r.status for r in self.relationships), key=_SEVERITY.__getitem__)

    @property
    def standing(self) -> Standing:
        """Due or neglected when any of its relationships is; otherwise its logged check-ins
        against its planned ones: none due yet, ahead, on track or behind."""
        status = self.status
        if status != "on-track":
            return status
        if self.planned == 0:
            return "ahead" if self.logged else "none-due"
        if self.logged > self.planned:
            return "ahead"
        if self.logged < self.planned:
            return "behind"
        return "on-track"

    @property
    def neglected(self) -> tuple[RelationshipBalance, ...]:
        """Its neglected relationships, the longest without a check-in first."""
        quiet = [r for r in self.relationships if r.status == "neglected"]
        return tuple(sorted(quiet, key=lambda r: (-r.since, r.relationship.name.casefold())))


def constituency_balance(
    content: Content,
    relationships: Sequence[RelationshipView],
    checkins: Sequence[CheckInView],
    *,
    now: datetime,
    today: date,
    window_days: int = WINDOW_DAYS,
) -> list[ConstituencyBalance]:
    """The active (not paused) relationships grouped by constituency, in the worksheet's order,
    then the rubric's partner kinds, then the person's own constituencies by name.

    Over the last `window_days`: planned = the check-ins its cadence brought due, counting one
    cadence after another from the day it was added; logged = its check-ins dated in the
    window (also those dated before it was added). A
    relationship is due once a cadence has passed since its last check-in (or since it was
    added), neglected once two have.
    """
    groups: dict[str, list[RelationshipBalance]] = {}
    names: dict[str, str] = {}
    for relationship in relationships:
        if relationship.paused:
            continue
        key, name = _constituency(content, relationship)
        names.setdefault(key, name)
        balance = relationship_balance(
            relationship, checkins, now=now, today=today, window_days=window_days
        )
        groups.setdefault(key, []).append(balance)
    order = {c.id: i for i, c in enumerate(content.worksheet.constituencies())}
    for kind in content.rubric.partner_kinds:
        order.setdefault(kind.id, len(order))
    keys = sorted(groups, key=lambda k: (order.get(k, len(order)), names[k].casefold(), k))
    return [ConstituencyBalance(key, names[key], tuple(groups[key])) for key in keys]


def relationship_balance(
    relationship: RelationshipView,
    checkins: Sequence[CheckInView],
    *,
    now: datetime,
    today: date,
    window_days: int = WINDOW_DAYS,
) -> RelationshipBalance:
    """One relationship's planned and logged check-ins over the window, and its status."""
    start = max(now - timedelta(days=window_days), relationship.created_at)
    # Check-ins are dated in the person's own days, and one may be dated before the
    # relationship was added to the plan (a conversation logged afterwards): every check-in
    # of the window counts, or the figures would deny one just logged.
    first_day = today - timedelta(days=window_days)
    logged = sum(
        1
        for checkin in checkins
        if checkin.relationship_id == relationship.id and first_day <= checkin.happened_on <= today
    )
    base = relationship.last_checkin_at or relationship.created_at
    since = max(now - base, timedelta(0))
    cadence = _cadence(relationship)
    if cadence is None:  # a cadence the schedule cannot read plans nothing and is never late
        return RelationshipBalance(relationship, 0, logged, since, "on-track")
    status: Status = "on-track"
    if now > base + 2 * cadence:
        status = "neglected"
    elif now > base + cadence:
        status = "due"
    return RelationshipBalance(
        relationship,
        _falling_due(relationship.created_at, start, now, cadence),
        logged,
        since,
        status,
    )


def _falling_due(added: datetime, start: datetime, now: datetime, cadence: timedelta) -> int:
    """How many of the moments one, two, three... cadences after `added` fall in (start, now]:
    the first check-in is planned a cadence after the day it was added, not on that day."""
    last = (now - added) // cadence  # the latest that has fallen due
    before = max(start - added, timedelta(0)) // cadence  # those before the window
    return max(0, last - before)


def balance_replies(
    content: Content,
    relationships: list[RelationshipView],
    checkins: list[CheckInView],
    *,
    now: datetime,
    today: date,
    weekly: bool,
) -> tuple[Reply, ...]:
    """The balance summary with its chart. With no relationships in the plan the weekly one
    sends nothing (); asked for, it says so and names the constituencies to start with."""
    words = content.balance
    heading = words.heading_weekly if weekly else words.heading_on_demand
    choices = (
        Choice(choice_value("checkin", "start"), words.log_label, "primary"),
        Choice(choice_value("plan", "start"), words.plan_label),
    )
    if not relationships:
        if weekly:
            return ()
        names = ", ".join(c.name for c in content.worksheet.constituencies())
        add = Choice(choice_value("plan", "add"), words.add_label, "primary")
        text = f"{heading}\n{words.no_relationships.format(names=names)}"
        return (Reply(text, choices=(add, choices[1])),)
    balance = constituency_balance(content, relationships, checkins, now=now, today=today)
    if not balance:
        return (Reply(f"{heading}\n{words.all_paused}", choices=choices),)
    missing = _missing_key_constituencies(content, balance)
    closing = [words.not_in_plan.format(names=", ".join(missing))] if missing else []
    closing.append(_encouragement(content, balance, missing=bool(missing)))
    text = _summary_text(content, heading, balance, closing)
    return (
        Reply(
            text,
            choices=choices,
            images=(_chart_image(content, balance),),
            quote=_quote(content),
        ),
    )


def _encouragement(
    content: Content, balance: Sequence[ConstituencyBalance], *, missing: bool
) -> str:
    """The closing word, from the worst standing; "every constituency" only when every key
    constituency is in the plan and none is behind."""
    words = content.balance
    standings = {c.standing for c in balance}
    if "neglected" in standings:
        return words.encourage_neglected
    if "due" in standings:
        return words.encourage_due
    if "behind" in standings:
        return words.encourage_behind
    if standings == {"none-due"}:
        return words.encourage_none_due
    if missing:
        return words.encourage_on_track_some
    return words.encourage_on_track


def _summary_text(
    content: Content,
    heading: str,
    balance: Sequence[ConstituencyBalance],
    closing: Sequence[str],
) -> str:
    """The heading, one block per constituency while they fit, and the closing lines."""
    words = content.balance
    lines = [heading, words.intro.format(days=WINDOW_DAYS)]
    tail = "\n\n" + "\n".join(closing)
    for index, constituency in enumerate(balance):
        block = "\n".join(_constituency_lines(content, constituency))
        more = words.more_constituencies.format(count=len(balance) - index)
        length = len("\n".join([*lines, block])) + len(tail)
        if index < len(balance) - 1:
            length += len(more) + 1  # room kept for the "more" line the next block may need
        if length > TEXT_LIMIT:
            lines.append(more)
            break
        lines.append(block)
    return "\n".join(lines) + tail


def _constituency_lines(content: Content, constituency: ConstituencyBalance) -> list[str]:
    words = content.balance
    status = _status_words(content, constituency.standing)
    lines = [
        words.line.format(
            mark=status.mark,
            name=shorten(constituency.name, NAME_LIMIT),
            figures=_figures(content, constituency),
            status=status.word,
        )
    ]
    neglected = constituency.neglected
    for quiet in neglected[:NEGLECTED_SHOWN]:
        template = (
            words.neglected_since_checkin
            if quiet.relationship.last_checkin_at is not None
            else words.neglected_never
        )
        ago = _ago(content, quiet.since)
        lines.append(template.format(name=shorten(quiet.relationship.name, NAME_LIMIT), ago=ago))
    if len(neglected) > NEGLECTED_SHOWN:
        lines.append(words.neglected_more.format(count=len(neglected) - NEGLECTED_SHOWN))
    return lines


def _figures(content: Content, constituency: ConstituencyBalance) -> str:
    """ "2 of 3 planned check-ins", or with none planned yet how many were logged."""
    words = content.balance.figures
    if constituency.planned_count == 0:
        return words.none_planned.format(count=constituency.logged)
    return words.of_planned.format(count=constituency.planned_count, logged=constituency.logged)


def _chart_image(content: Content, balance: Sequence[ConstituencyBalance]) -> Image:
    # Imported here: matplotlib loads only when a chart is actually drawn.
    from bot.documents.balance_chart import BalanceChartRow, BalanceChartWords, draw_balance

    words = content.balance
    chart = words.chart
    statuses: dict[Status, str] = {status: _mark_and_word(content, status) for status in _SEVERITY}
    png = draw_balance(
        [
            BalanceChartRow(
                c.name,
                c.planned,
                c.logged,
                _COLOUR[c.standing],
                _mark_and_word(content, c.standing),
            )
            for c in balance
        ],
        BalanceChartWords(
            title=chart.title.format(days=WINDOW_DAYS),
            planned=chart.planned,
            planned_value=chart.planned_value,
            logged_value=chart.logged_value,
            statuses=statuses,
        ),
    )
    items = "; ".join(
        chart.alt_item.format(
            name=shorten(c.name, NAME_LIMIT),
            figures=_figures(content, c),
            status=_status_words(content, c.standing).word,
        )
        for c in balance
    )
    alt_text = chart.alt_text.format(days=WINDOW_DAYS, items=items)
    return Image(CHART_FILENAME, png, shorten(alt_text, ALT_TEXT_LIMIT))


def _status_words(content: Content, standing: Standing) -> BalanceStatusText:
    statuses = content.balance.statuses
    return {
        "none-due": statuses.none_due,
        "ahead": statuses.ahead,
        "on-track": statuses.on_track,
        "behind": statuses.behind,
        "due": statuses.due,
        "neglected": statuses.neglected,
    }[standing]


def _mark_and_word(content: Content, standing: Standing) -> str:
    words = _status_words(content, standing)
    return f"{words.mark} {words.word}"


def _quote(content: Content) -> str | None:
    """The worksheet's own words on balancing relationships, when the content has them."""
    wanted = content.balance.quote_from
    for characteristic in content.worksheet.learning_organization.characteristics:
        if characteristic.id == wanted:
            return characteristic.text
    return None


def _missing_key_constituencies(
    content: Content, balance: Sequence[ConstituencyBalance]
) -> list[str]:
    """The worksheet's key constituencies with no active relationship in the plan."""
    present = {c.key for c in balance}
    return [c.name for c in content.worksheet.constituencies() if c.id not in present]


def _constituency(content: Content, relationship: RelationshipView) -> tuple[str, str]:
    """The relationship's constituency as (key, name): the worksheet's or the rubric's name,
    or for "other" the person's own label, grouped regardless of case and spacing."""
    ident = relationship.constituency
    if ident == OTHER:
        label = " ".join((relationship.constituency_label or "").split())
        if not label:
            return OTHER, content.balance.other_name
        return f"{OTHER}:{label.casefold()}", label
    for constituency in content.worksheet.constituencies():
        if constituency.id == ident:
            return ident, constituency.name
    for kind in content.rubric.partner_kinds:
        if kind.id == ident:
            return ident, kind.name
    return ident, ident  # an id the content no longer knows: still counted, under its id


def _cadence(relationship: RelationshipView) -> timedelta | None:
    try:
        length = cadence_length(relationship.cadence, relationship.cadence_days)
    except ValueError:
        return None
    return length if length > timedelta(0) else None


def _ago(content: Content, since: timedelta) -> str:
    """How long ago, in the largest unit that reads naturally: days, then weeks, then months."""
    words = content.balance.ago
    days = since.days
    # Only neglected relationships are described: at least two cadences, so two days or more.
    if days < 14:
        return words.days.format(count=days)
    if days < 60:
        return words.weeks.format(count=days // 7)
    return words.months.format(count=days // 30)
