"""Team channels' weekly leadership prompts: set up, change, pause, resume, stop; and the posts.

The commands (`/coach subscribe|pause|resume|unsubscribe`) act on the channel they are typed
in; buttons name the channel in their value. Whether the person may change a channel's prompt
is decided here (they set it up, or are a workspace admin) and checked again where the effect
is applied. The weekly post itself is built by `weekly_post_replies`, for the worker.
"""

from __future__ import annotations

import difflib
import logging
import zoneinfo
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cache, partial

from bot.core.messages import Choice, Form, FormErrors, FormField, Reply
from bot.core.schedule import weekly_post_due_at, zone
from bot.flows.base import Command, Flow, StepResult, Turn, choice_value, reply_only
from bot.flows.plan_forms import time_label, time_options
from bot.flows.prompt_bank import TeamPrompt, channel_seed, next_prompt, prompt_bank
from bot.flows.team_model import (
    SaveSubscription,
    SetSubscriptionStatus,
    SubscriptionView,
    earliest_next_post,
)
from bot.flows.wording import day_text
from content import Content
from content.prompts import TeamWords

logger = logging.getLogger(__name__)

FLOW_ID = "team"
FORM_ID = "team.settings"
COMMANDS = ("subscribe", "pause", "resume", "unsubscribe")
"""The ids of the /coach commands that act on a channel's weekly prompt; their words are the
content's (coach.command_words.sub), and today the same."""

CHANNEL_ID_LIMIT = 32  # as stored; Slack's channel ids are about 11 characters
CHANNEL_NAME_LIMIT = 255  # as stored; Slack's channel names are at most 80

UNDO_SEPARATOR = "|"  # "C123|paused": Undo puts a stopped prompt back as it was

DEFAULT_WEEKDAY = 1  # Monday: the week's prompt at the start of the week
DEFAULT_MINUTE = 9 * 60 + 30
TIME_ZONE_SUGGESTIONS = 3


@cache
def _known_time_zones() -> tuple[str, ...]:
    """Region names (America/Chicago) and UTC: not the fixed-offset abbreviations (EST keeps
    no daylight saving) nor "localtime" (the server's own zone)."""
    return tuple(
        sorted(name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC")
    )


def _words(turn: Turn) -> TeamWords:
    return turn.content.prompts.team


def _since(turn: Turn, current: SubscriptionView | None) -> datetime:
    """From when the next post is counted after a change: as the store counts it."""
    if current is None:
        return turn.now
    return earliest_next_post(
        turn.now, last_posted_at=current.last_posted_at, posting_now=current.posting_now
    )


def schedule_text(content: Content, view: SubscriptionView | SaveSubscription) -> str:
    """ "Mondays at 09:30 (America/Chicago)"."""
    words = content.prompts.team
    return words.schedule.format(
        weekday_plural=words.weekday_plural[view.weekday - 1],
        time=time_label(view.post_minute),
        time_zone=view.time_zone,
    )


def moment_text(content: Content, moment: datetime | None, time_zone: str, today: date) -> str:
    """When a post comes, in the channel's time zone: "Mon 30 Nov, 09:30"."""
    if moment is None:
        return "-"
    local = moment.astimezone(zone(time_zone))
    return f"{day_text(content, local.date(), today=today)}, {local:%H:%M}"


def weekly_post_replies(
    content: Content, prompt: TeamPrompt, *, recap_count: int | None, first: bool
) -> tuple[Reply, ...]:
    """One week's post: last week's recap (None: there was no last week), the theme, its
    description from the source, its questions, the two buttons, and on a channel's first post
    what happens to the replies."""
    words = content.prompts
    questions = "\n".join(f"• {question}" for question in prompt.questions)
    return (
        Reply(
            f"{prompt.description}\n\n{questions}",
            heading=words.heading.format(theme=prompt.theme_name),
            preface=words.recap.line(recap_count) if recap_count is not None else None,
            choices=(
                Choice(choice_value(FLOW_ID, "reply"), words.reply_in_thread),
                Choice(choice_value("reflect", "prompt", prompt.id), words.reflect_privately),
            ),
            notes=(words.privacy_line,) if first else (),
        ),
    )


def paused_itself_replies(content: Content, channel: str, reason: str) -> tuple[Reply, ...]:
    """The one DM to whoever set up a channel's prompt, when it paused itself."""
    words = content.prompts.team.paused_itself
    text = {"archived": words.archived, "restricted": words.restricted}.get(reason, words.removed)
    return (Reply(text.format(channel=channel)),)


def find_prompt(content: Content, prompt_id: str) -> TeamPrompt | None:
    return next((prompt for prompt in prompt_bank(content) if prompt.id == prompt_id), None)


def choose_prompt(
    content: Content, *, themes: Sequence[str], history: Sequence[str], channel_id: str
) -> TeamPrompt:
    """The channel's next prompt, from its themes (every theme when none, or none still
    exists), covering them all before repeating."""
    bank = prompt_bank(content)
    chosen = set(themes)
    drawn = [prompt for prompt in bank if prompt.theme_id in chosen] or list(bank)
    return next_prompt(drawn, history, seed=channel_seed(channel_id))


class TeamFlow(Flow):
    flow_id = FLOW_ID

    def commands(self) -> tuple[Command, ...]:
        return tuple(
            Command(name, partial(self._command, name=name), on_channel=True) for name in COMMANDS
        )

    def start(self, turn: Turn, argument: str) -> StepResult:
        return self.command(turn, "subscribe")

    def _command(self, turn: Turn, argument: str, *, name: str) -> StepResult:
        return self.command(turn, name)

    def command(self, turn: Turn, name: str) -> StepResult:
        """`/coach <name>` typed in a channel (or anywhere else: then how it works)."""
        inbound = turn.inbound
        words = _words(turn)
        if inbound.channel_id is None:
            return self._elsewhere(turn)
        channel = inbound.channel_name or inbound.channel_id
        current = turn.reads.team_subscription(inbound.channel_id)
        if name == "subscribe":
            if inbound.coach_in_channel is False:
                return reply_only(Reply(words.add_the_coach_first.format(channel=channel)))
            if current is not None and current.status != "unsubscribed":
                refused = self._refused(turn, current)
                if refused is not None:
                    return refused
                return reply_only(self._form_reply(turn, inbound.channel_id, channel, current))
            # A new prompt may be set up only where `/coach subscribe` was typed (and the coach
            # is a member): the form's channel is remembered here and checked on submit.
            asked_in = [inbound.channel_id, *_asked_in(turn)]
            return StepResult(
                replies=(self._form_reply(turn, inbound.channel_id, channel, current),),
                data={ASKED_IN: list(dict.fromkeys(asked_in))[:ASKED_IN_KEPT]},
            )
        if current is None or current.status == "unsubscribed":
            missing = words.no_subscription_to_resume if name == "resume" else words.no_subscription
            return reply_only(Reply(missing.format(channel=channel)))
        refused = self._refused(turn, current)
        if refused is not None:
            return refused
        if name == "resume" and inbound.coach_in_channel is False:
            return reply_only(Reply(words.add_the_coach_first.format(channel=channel)))
        return self._set_status(turn, current, {"pause": "paused", "resume": "active"}.get(name))

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "reply":
            link = turn.inbound.message_link
            return reply_only(
                Reply(
                    turn.content.prompts.reply_in_thread_how,
                    link=(turn.content.prompts.open_thread, link) if link else None,
                )
            )
        if action not in {"edit", "pause", "resume", "unsubscribe", "undo-unsubscribe"}:
            return super().choose(turn, action, argument)
        channel_id, _, previous = argument.partition(UNDO_SEPARATOR)
        current = turn.reads.team_subscription(channel_id) if channel_id else None
        if current is None:
            # A channel's prompt is stopped, never removed: a button naming none in this
            # workspace was made up (or sent from another). It no longer applies.
            logger.warning("refused a team-prompt button naming no channel's prompt here")
            return None
        refused = self._refused(turn, current)
        if refused is not None:
            logger.warning("refused a team-prompt button by someone who does not manage it")
            return refused
        if action == "edit":
            if current.status == "unsubscribed":
                return None
            return reply_only(self._form_reply(turn, current.channel_id, current.label, current))
        if action == "undo-unsubscribe":
            if current.status != "unsubscribed":
                return None
            # Back as it was before it was stopped: paused stays paused.
            restored = "paused" if previous == "paused" else "active"
            return self._set_status(turn, current, restored, undoing=True)
        status = {"pause": "paused", "resume": "active", "unsubscribe": "unsubscribed"}[action]
        if current.status == "unsubscribed":
            return None
        if (
            status == "active"
            and current.paused_reason
            and turn.inbound.coach_in_channel is not True
        ):
            # It paused itself because the coach lost the channel: only in the channel can it
            # be seen that the coach is back.
            text = _words(turn).resume_in_the_channel.format(channel=current.label)
            return reply_only(Reply(text))
        return self._set_status(turn, current, status)

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        if form_id != FORM_ID:
            return None
        channel_id, _, channel_name = turn.inbound.form_context.partition("\n")
        if not channel_id or len(channel_id) > CHANNEL_ID_LIMIT:
            return None  # no channel the platform names (a made-up context): nothing to set up
        channel_name = channel_name[:CHANNEL_NAME_LIMIT]
        current = turn.reads.team_subscription(channel_id)
        if current is not None and current.status != "unsubscribed":
            refused = self._refused(turn, current)
            if refused is not None:
                logger.warning("refused a team-prompt form by someone who does not manage it")
                return refused
        elif channel_id not in _asked_in(turn):
            logger.warning("refused a team-prompt form for a channel it was not opened in")
            return None
        parsed = self._parse_form(turn, channel_id, channel_name or None)
        if isinstance(parsed, FormErrors):
            return StepResult(form_errors=parsed)
        words = _words(turn)
        label = parsed.channel_name or channel_id
        schedule = schedule_text(turn.content, parsed)
        due = weekly_post_due_at(
            _since(turn, current),
            weekday=parsed.weekday,
            minute=parsed.post_minute,
            time_zone=parsed.time_zone,
        )
        when = moment_text(turn.content, due, parsed.time_zone, turn.today)
        if current is None or current.status == "unsubscribed":
            text = words.subscribed.format(channel=label, schedule=schedule, first=when)
        elif current.status == "paused":
            text = words.updated_while_paused.format(channel=label, schedule=schedule)
        else:
            text = words.updated.format(channel=label, schedule=schedule, next=when)
        themes = self._themes_text(turn, parsed.themes)
        # Confirmed in the form's own window: buttons there could not open another form.
        return StepResult(replies=(Reply(f"{text}\n{themes}"),), effects=(parsed,))

    # -- helpers ---------------------------------------------------------------------------

    def _refused(self, turn: Turn, current: SubscriptionView) -> StepResult | None:
        if current.managed_by_me or turn.reads.is_admin():
            return None
        text = _words(turn).managed_by_someone_else.format(channel=current.label)
        return reply_only(Reply(text))

    def _already_active(self, turn: Turn, current: SubscriptionView) -> str:
        return _words(turn).already_active.format(
            channel=current.label,
            schedule=schedule_text(turn.content, current),
            next=moment_text(turn.content, current.next_due_at, current.time_zone, turn.today),
        )

    def _set_status(
        self,
        turn: Turn,
        current: SubscriptionView,
        status: str | None,
        *,
        undoing: bool = False,
    ) -> StepResult:
        words = _words(turn)
        channel = current.label
        if status is None:
            status = "unsubscribed"
        if status == current.status:
            if status == "paused":
                resume = Choice(choice_value(FLOW_ID, "resume", current.channel_id), words.resume)
                text = words.already_paused.format(channel=channel)
                return reply_only(Reply(text, choices=(resume,)))
            return reply_only(
                Reply(
                    self._already_active(turn, current),
                    choices=self._manage_choices(turn, current.channel_id),
                )
            )
        effect = SetSubscriptionStatus(channel_id=current.channel_id, status=status)
        choices: tuple[Choice, ...]
        if status == "paused":
            text = words.paused.format(channel=channel)
            choices = (
                Choice(choice_value(FLOW_ID, "resume", current.channel_id), words.resume),
                Choice(
                    choice_value(FLOW_ID, "unsubscribe", current.channel_id),
                    words.unsubscribe,
                    style="danger",
                ),
            )
        elif status == "unsubscribed":
            text = words.unsubscribed.format(channel=channel)
            undo = f"{current.channel_id}{UNDO_SEPARATOR}{current.status}"
            choices = (Choice(choice_value(FLOW_ID, "undo-unsubscribe", undo), words.undo),)
        elif undoing and status == "paused":
            text = words.paused.format(channel=channel)
            choices = (Choice(choice_value(FLOW_ID, "resume", current.channel_id), words.resume),)
        else:
            due = weekly_post_due_at(
                _since(turn, current),
                weekday=current.weekday,
                minute=current.post_minute,
                time_zone=current.time_zone,
            )
            template = words.resubscribed if undoing else words.resumed
            text = template.format(
                channel=channel,
                schedule=schedule_text(turn.content, current),
                next=moment_text(turn.content, due, current.time_zone, turn.today),
            )
            choices = self._manage_choices(turn, current.channel_id)
        return StepResult(replies=(Reply(text, choices=choices),), effects=(effect,))

    def _manage_choices(self, turn: Turn, channel_id: str) -> tuple[Choice, ...]:
        words = _words(turn)
        return (
            Choice(choice_value(FLOW_ID, "edit", channel_id), words.edit),
            Choice(choice_value(FLOW_ID, "pause", channel_id), words.pause),
            Choice(
                choice_value(FLOW_ID, "unsubscribe", channel_id), words.unsubscribe, style="danger"
            ),
        )

    def _form_reply(
        self, turn: Turn, channel_id: str, channel: str, current: SubscriptionView | None
    ) -> Reply:
        words = _words(turn)
        content = turn.content
        time_zone = (
            current.time_zone
            if current is not None
            else turn.reads.nudge_settings().time_zone or "UTC"
        )
        weekday = current.weekday if current is not None else DEFAULT_WEEKDAY
        minute = current.post_minute if current is not None else DEFAULT_MINUTE
        themes = current.themes if current is not None else ()
        theme_options = _theme_names(content)
        form = Form(
            form_id=FORM_ID,
            title=words.form_title,
            submit_label=words.form_submit,
            intro=words.form_intro.format(channel=channel),
            fields=(
                FormField(
                    name="day",
                    label=words.day_label,
                    options=tuple(
                        (str(number), name)
                        for number, name in enumerate(content.plan.dates.weekday_names, 1)
                    ),
                    initial=str(weekday),
                ),
                FormField(
                    name="time",
                    label=words.time_label,
                    options=_time_options_with(content, minute),
                    initial=str(minute),
                ),
                FormField(
                    name="time_zone",
                    label=words.time_zone_label,
                    hint=words.time_zone_hint,
                    initial=time_zone,
                    max_length=64,
                ),
                FormField(
                    name="themes",
                    label=words.themes_label,
                    hint=words.themes_hint,
                    options=theme_options,
                    multiple=True,
                    optional=True,
                    initial=",".join(themes) or None,
                ),
            ),
            context=f"{channel_id}\n{channel}",
        )
        return Reply(words.form_intro.format(channel=channel), form=form)

    def _parse_form(
        self, turn: Turn, channel_id: str, channel_name: str | None
    ) -> SaveSubscription | FormErrors:
        words = _words(turn)
        form = turn.inbound.form
        errors: dict[str, str] = {}
        day_text_given = form.get("day", "").strip()
        weekday = int(day_text_given) if day_text_given in {str(n) for n in range(1, 8)} else 0
        if not weekday:
            errors["day"] = words.bad_choice
        minute_text = form.get("time", "").strip()
        allowed = {value for value, _ in time_options(turn.content)}
        current = turn.reads.team_subscription(channel_id)
        if current is not None:
            allowed.add(str(current.post_minute))
        if minute_text not in allowed:
            errors["time"] = words.bad_choice
        time_zone = " ".join(form.get("time_zone", "").split()).replace(" ", "_")
        matched = _time_zone_named(time_zone)
        if matched is None:
            errors["time_zone"] = _time_zone_error(words, time_zone)
        known = {theme_id for theme_id, _ in _theme_names(turn.content)}
        chosen = tuple(t for t in form.get("themes", "").split(",") if t.strip())
        if any(theme not in known for theme in chosen):
            errors["themes"] = words.bad_choice
        if errors or matched is None:
            return FormErrors(errors)
        ordered = tuple(
            theme_id for theme_id, _ in _theme_names(turn.content) if theme_id in chosen
        )
        return SaveSubscription(
            channel_id=channel_id,
            channel_name=channel_name,
            weekday=weekday,
            post_minute=int(minute_text),
            time_zone=matched,
            themes=ordered if len(ordered) < len(known) else (),
        )

    def _themes_text(self, turn: Turn, themes: tuple[str, ...]) -> str:
        words = _words(turn)
        if not themes:
            return words.themes_all
        names = dict(_theme_names(turn.content))
        return words.themes_some.format(
            count=len(themes), names=", ".join(names[t] for t in themes if t in names)
        )

    def _elsewhere(self, turn: Turn) -> StepResult:
        """Not in a channel (a DM, the terminal): how it works, the channels this person
        looks after, and a sample of a weekly post."""
        words = _words(turn)
        replies: list[Reply] = [Reply(words.not_in_a_channel)]
        for view in turn.reads.team_subscriptions():
            replies.append(
                Reply(
                    self._line(turn, view),
                    choices=self._status_choices(turn, view),
                )
            )
        history = [p.id for p in prompt_bank(turn.content)][: turn.today.toordinal() % 7]
        sample = choose_prompt(
            turn.content, themes=(), history=history, channel_id=turn.inbound.user_id
        )
        replies.append(Reply(words.sample_intro))
        for post in weekly_post_replies(turn.content, sample, recap_count=None, first=True):
            # A sample has no thread to reply in; reflecting on it privately works anywhere.
            private = tuple(c for c in post.choices if not c.value.startswith(f"{FLOW_ID}:"))
            replies.append(replace(post, choices=private))
        return reply_only(*replies)

    def _line(self, turn: Turn, view: SubscriptionView) -> str:
        words = _words(turn)
        if view.status == "active":
            status = words.home_status_active.format(
                next=moment_text(turn.content, view.next_due_at, view.time_zone, turn.today)
            )
        elif view.paused_reason:
            status = words.status_paused_itself
        else:
            status = words.status_paused_by_person
        return words.home_item.format(
            channel=view.label, schedule=schedule_text(turn.content, view), status=status
        )

    def _status_choices(self, turn: Turn, view: SubscriptionView) -> tuple[Choice, ...]:
        words = _words(turn)
        if view.status == "active":
            return self._manage_choices(turn, view.channel_id)
        return (
            Choice(choice_value(FLOW_ID, "resume", view.channel_id), words.resume),
            Choice(choice_value(FLOW_ID, "edit", view.channel_id), words.edit),
            Choice(
                choice_value(FLOW_ID, "unsubscribe", view.channel_id),
                words.unsubscribe,
                style="danger",
            ),
        )

    def home_lines(self, turn: Turn) -> tuple[str, tuple[str, ...], tuple[Choice, ...]]:
        """The App Home section: heading, one line per channel this person looks after (an
        admin: every channel of the workspace), and buttons to change, pause or resume each."""
        words = _words(turn)
        views = turn.reads.team_subscriptions()
        if not views:
            return words.home_heading, (words.home_none,), ()
        lines = tuple(self._line(turn, view) for view in views)
        choices: list[Choice] = []
        for view in views:
            choices.append(
                Choice(
                    choice_value(FLOW_ID, "edit", view.channel_id),
                    words.manage_label.format(channel=view.label),
                )
            )
            if view.status == "active":
                label, action = words.pause_label, "pause"
            else:
                label, action = words.resume_label, "resume"
            choices.append(
                Choice(
                    choice_value(FLOW_ID, action, view.channel_id), label.format(channel=view.label)
                )
            )
        return words.home_heading, lines, tuple(choices)


def _time_options_with(content: Content, minute: int) -> tuple[tuple[str, str], ...]:
    options = time_options(content)
    if any(value == str(minute) for value, _ in options):
        return options
    return tuple(sorted((*options, (str(minute), time_label(minute))), key=lambda o: int(o[0])))


def _theme_names(content: Content) -> tuple[tuple[str, str], ...]:
    """Every theme as (id, name), in the file's order (from the bank, which resolves them)."""
    seen: dict[str, str] = {}
    for prompt in prompt_bank(content):
        seen.setdefault(prompt.theme_id, prompt.theme_name)
    return tuple(seen.items())


def _time_zone_named(given: str) -> str | None:
    """The IANA name as typed, in any capitals (america/chicago), or the one zone named after
    a city typed alone (chicago, new york); None if there is no such zone, or several."""
    if not given:
        return None
    known = _known_time_zones()
    if given in known:
        return given
    lowered = {name.lower(): name for name in known}
    if given.lower() in lowered:
        return lowered[given.lower()]
    by_city = [name for name in known if name.lower().endswith("/" + given.lower())]
    return by_city[0] if len(by_city) == 1 else None


def _time_zone_error(words: TeamWords, given: str) -> str:
    known = _known_time_zones()
    lowered = {name.lower(): name for name in known}
    # Close by spelling, or a city typed alone ("Chicago" for America/Chicago).
    matches = difflib.get_close_matches(given.lower(), list(lowered), n=TIME_ZONE_SUGGESTIONS)
    by_city = [name for name in known if name.lower().endswith("/" + given.lower())]
    suggestions = list(dict.fromkeys([*by_city, *(lowered[m] for m in matches)]))
    if not given or not suggestions:
        return words.unknown_time_zone.format(given=given)
    return words.unknown_time_zone_suggest.format(
        given=given, suggestions=", ".join(suggestions[:TIME_ZONE_SUGGESTIONS])
    )


ASKED_IN = "asked_in"
ASKED_IN_KEPT = 5  # channels whose set-up form may be open at once


def _asked_in(turn: Turn) -> list[str]:
    """The channels where this person last typed `/coach subscribe` for a new prompt."""
    remembered = turn.data.get(ASKED_IN)
    return [c for c in remembered if isinstance(c, str)] if isinstance(remembered, list) else []
