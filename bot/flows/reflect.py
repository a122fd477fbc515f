"""The /reflect flow: today's prompt answered in a form or a reply, or a free reflection."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.messages import Choice, Form, FormErrors, FormField, Reply
from bot.flows.assess import growth_prompt
from bot.flows.base import (
    Command,
    Flow,
    Handler,
    SaveReflection,
    StepResult,
    Turn,
    choice_value,
    reply_only,
)
from bot.flows.coach import CoachFlow
from bot.flows.team import find_prompt

FORM_ID = "reflect.today"
FIELD = "reflection"
AWAITING = "awaiting_reflection"


def todays_prompt(turn: Turn) -> str:
    """The same prompt all day for everyone, moving on each day through the whole bank."""
    bank = turn.content.reflection_prompt_bank()
    return bank[turn.today.toordinal() % len(bank)]


# Slack sends emoji as :shortcodes:, so they must not count as words.
EMOJI_SHORTCODE = re.compile(r":[a-z0-9_+'-]+:(?::skin-tone-\d:)?", re.IGNORECASE)


def reflection_problem(turn: Turn, text: str) -> str | None:
    """Why this text cannot be saved as a reflection, in the coach's words; None if it can."""
    words = turn.content.coach.reflect
    if not text.strip():
        return words.empty
    if not any(character.isalnum() for character in EMOJI_SHORTCODE.sub("", text)):
        return words.no_words
    if len(text) > words.max_length:
        return words.too_long.format(length=len(text), limit=words.max_length)
    return None


class ReflectFlow(Flow):
    flow_id = "reflect"

    def commands(self) -> tuple[Command, ...]:
        return (
            Command("reflect", self.start, slash=True),
            Command("reflect", self.start),
            Command("reflections", lambda turn, _: self.history(turn)),
        )

    def start(self, turn: Turn, argument: str) -> StepResult:
        if argument.strip():
            return self._save(turn, argument.strip(), prompt=None, source="command", quote=True)
        if argument:  # only whitespace after the command
            return reply_only(Reply(turn.content.coach.reflect.empty))
        return self._ask(turn)

    def states(self) -> Mapping[str, Handler]:
        return {AWAITING: self._answer_in_conversation}

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "history":
            return self.history(turn)
        if action == "prompt":
            return self._ask_team_prompt(turn, argument)
        if action == "growth":
            return self._ask_growth_prompt(turn, argument)
        return super().choose(turn, action, argument)

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        if form_id != FORM_ID:
            return None
        text = turn.inbound.form.get(FIELD, "").strip()
        problem = reflection_problem(turn, text)
        if problem:
            return StepResult(form_errors=FormErrors({FIELD: problem}))
        prompt = turn.inbound.form_context or None
        return self._save(turn, text, prompt=prompt, source="form", quote=False)

    def reopen_form(self, turn: Turn, form_id: str, context: str) -> StepResult | None:
        """A reflection left part-way, for `resume`: the same prompt, the words kept."""
        return self._ask(turn, prompt=context or None) if form_id == FORM_ID else None

    def close_form(self, turn: Turn, form_id: str) -> StepResult | None:
        # Dismissing today's prompt is an answer of its own: the next message is not a reflection.
        if form_id == FORM_ID and turn.state == AWAITING:
            return StepResult()
        return None

    def history(self, turn: Turn) -> StepResult:
        words = turn.content.coach.reflect
        recent = turn.reads.recent_reflections(limit=5)
        if not recent:
            return reply_only(Reply(words.history_empty, choices=_reflect_choice(turn)))
        lines = [words.history_heading.format(count=turn.reads.reflection_count())]
        for reflection in recent:
            lines.append(
                words.history_item.format(
                    date=reflection.created_at.date().isoformat(), text=reflection.text
                )
            )
            if reflection.prompt:
                lines.append(words.history_prompt.format(prompt=reflection.prompt))
        return reply_only(Reply("\n".join(lines)))

    def _ask_team_prompt(self, turn: Turn, prompt_id: str) -> StepResult | None:
        """ "Reflect privately" on a channel's weekly prompt: the same questions, in private."""
        prompt = find_prompt(turn.content, prompt_id)
        if prompt is None:
            return None  # the content changed since it was posted: the button no longer applies
        intro = turn.content.prompts.reflect_intro.format(theme=prompt.theme_name)
        return self._ask(turn, prompt="\n".join(prompt.questions), intro=intro)

    def _ask_growth_prompt(self, turn: Turn, area: str) -> StepResult | None:
        """ "Reflect on it" under a growth area of a self-assessment: that area's prompts."""
        found = growth_prompt(turn.content, area)
        if found is None:
            return None  # no assessment rates that area any more: the button no longer applies
        intro, prompt = found
        return self._ask(turn, prompt=prompt, intro=intro)

    def _ask(
        self, turn: Turn, *, prompt: str | None = None, intro: str | None = None
    ) -> StepResult:
        words = turn.content.coach.reflect
        prompt = prompt or todays_prompt(turn)
        intro = intro or words.today_intro
        form = Form(
            form_id=FORM_ID,
            title=words.form_title,
            submit_label=words.form_submit,
            intro=f"{intro}\n{prompt}",
            fields=(
                FormField(
                    name=FIELD,
                    label=words.form_label,
                    multiline=True,
                    max_length=words.max_length,
                    hint=words.form_hint,
                ),
            ),
            context=prompt,
        )
        reply = Reply(f"{intro}\n{prompt}", form=form, notes=(words.privacy_note,))
        return StepResult(
            replies=(reply,), state=AWAITING, data={"prompt": prompt, "day": turn.today.isoformat()}
        )

    def _answer_in_conversation(self, turn: Turn) -> StepResult:
        if turn.data.get("day") != turn.today.isoformat():
            # Today's prompt is today's: a message on a later day is not an answer to it.
            return StepResult(replies=CoachFlow().greeting(turn).replies)
        text = turn.inbound.text.strip()
        problem = reflection_problem(turn, text)
        if problem:
            return reply_only(Reply(problem))
        prompt = turn.data.get("prompt")
        return self._save(
            turn, text, prompt=str(prompt) if prompt else None, source="message", quote=False
        )

    def _save(
        self, turn: Turn, text: str, *, prompt: str | None, source: str, quote: bool
    ) -> StepResult:
        problem = reflection_problem(turn, text)
        if problem:
            return reply_only(Reply(problem))
        words = turn.content.coach.reflect
        reply = (
            Reply(words.saved_free, quote=text, choices=_history_choice(turn))
            if quote
            else Reply(words.saved, choices=_history_choice(turn))
        )
        return StepResult(
            replies=(reply,), effects=(SaveReflection(text=text, prompt=prompt, source=source),)
        )


def _reflect_choice(turn: Turn) -> tuple[Choice, ...]:
    return (Choice(choice_value("reflect", "start"), turn.content.coach.labels.reflect),)


def _history_choice(turn: Turn) -> tuple[Choice, ...]:
    return (Choice(choice_value("reflect", "history"), turn.content.coach.labels.reflections),)
