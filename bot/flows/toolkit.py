"""The toolkit flow: the seven steps, each with its framing, checklist, questions, work,
tips, Think Out Loud questions and summary, in the person's own order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.core.effects import Effect
from bot.core.messages import Choice, Form, FormErrors, FormField, Image, Reply
from bot.core.schedule import zone
from bot.core.text import fill_indented, parse_int
from bot.flows import toolkit_work
from bot.flows.base import (
    IDLE,
    Command,
    Flow,
    Handler,
    PostponeReminder,
    SaveAnswer,
    SetReminder,
    SetTicked,
    StepResult,
    Turn,
    choice_value,
    reply_only,
)
from bot.flows.guide import export_guide
from bot.flows.reflect import reflection_problem
from bot.flows.wording import day_text
from content import Content
from content.toolkit import Example, ReflectionQuestion, Step, ThinkOutLoud
from content.work import WorkSection

QUESTION = "question"
THINK = "think"
FORM_ID = "toolkit.answer"
FIELD = "answer"
REMINDER_CHOICES = (3, 7)


def _choice(action: str, argument: str = "") -> str:
    return choice_value(ToolkitFlow.flow_id, action, argument)


class ToolkitFlow(Flow):
    flow_id = "toolkit"

    # -- entry points -----------------------------------------------------------------------

    def commands(self) -> tuple[Command, ...]:
        return (
            # A step opens with its pictures, and the export builds files: after the ack.
            Command("toolkit", self.start, slow=lambda argument: bool(argument.strip())),
            Command(
                "export",
                lambda turn, _: self.choose(turn, "export", ""),
                slow=lambda _: True,
                meanwhile=lambda content: content.coach.toolkit.export_preparing,
            ),
        )

    def closing_effects(self, result: StepResult) -> tuple[Effect, ...]:
        if any(isinstance(effect, SetReminder) for effect in result.effects):
            return ()
        return (PostponeReminder(),)

    def start(self, turn: Turn, argument: str) -> StepResult:
        """`/coach toolkit` shows the seven steps; `/coach toolkit 3` opens Step 3."""
        if argument.strip():
            step = find_step(turn, argument.strip())
            if step is None:
                words = turn.content.coach.toolkit
                return reply_only(Reply(words.unknown_step.format(name=argument.strip())))
            return self._open_step(turn, step)
        return reply_only(render_overview(turn))

    def resume(self, turn: Turn) -> StepResult:
        """Pick up exactly where the person left off."""
        position = current_position(turn)
        if position is None:
            first = turn.content.toolkit.step(turn.content.coach.toolkit.first_step)
            return self._open_step(turn, first)
        step, question = position
        if turn.state == THINK and turn.data.get("think_id"):
            think = _think(step, str(turn.data["think_id"]))
            if think is not None:
                return self._ask_think(turn, step, think)
        if question is None:
            following = next_step(turn, step)
            return (
                self._open_step(turn, following) if following else reply_only(render_overview(turn))
            )
        return self._ask(turn, step, question, welcome_back=True)

    def states(self) -> Mapping[str, Handler]:
        return {QUESTION: self._answer_in_conversation, THINK: self._think_in_conversation}

    def keyword(self, turn: Turn, keyword_id: str) -> StepResult | None:
        """Typed skip, back and more do what the question's buttons Skip this question,
        Previous question and More in this step do (in Think Out Loud: skip it, the one
        before, more)."""
        step_id = str(turn.data.get("step_id"))
        if turn.state == THINK:
            step = find_step(turn, step_id)
            think = _think(step, str(turn.data.get("think_id"))) if step else None
            if step is None or think is None:
                return None
            if keyword_id == "skip":
                return self._skip_think(turn, _key(step.id, think.id))
            if keyword_id == "back":
                return self._think_before(turn, step, think)
            return self.choose(turn, "menu", step.id) if keyword_id == "more" else None
        if turn.state != QUESTION:
            return None
        key = _key(step_id, str(turn.data.get("question_id")))
        action = {"skip": "skip", "back": "back", "more": "menu"}.get(keyword_id)
        if action is None:
            return None
        return self.choose(turn, action, step_id if action == "menu" else key)

    def pause_replies(self, turn: Turn) -> tuple[Reply, ...]:
        """When the person pauses, offer a gentle reminder (where the platform can send one)."""
        if not turn.inbound.reachable_later:
            return ()
        return (render_reminder_offer(turn),)

    # -- buttons ----------------------------------------------------------------------------

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "start":
            return self.start(turn, argument)
        if action == "continue":
            return self.resume(turn)
        if action == "remind":
            return self._remind(turn, argument)
        if action == "reminder":
            return reply_only(*self.reminder(turn))
        if action == "export":
            return export_guide(turn)
        if action in {"work", "add", "remove"}:
            return self._work(turn, action, argument)
        if action == "skipthink":
            return self._skip_think(turn, argument)
        step = find_step(turn, argument.partition("/")[0])
        if step is None:
            return None
        by_step = {
            "open": lambda: self._open_step(turn, step),
            "restart": lambda: self._open_step(turn, step, from_first=True),
            "menu": lambda: reply_only(render_menu(turn, step)),
            "checklist": lambda: reply_only(render_checklist(turn, step)),
            "questions": lambda: self._questions(turn, step),
            "tips": lambda: reply_only(*render_tips(turn, step)),
            "think": lambda: self._start_think(turn, step),
            "sidebar": lambda: reply_only(render_sidebar(turn, step), render_menu(turn, step)),
            "summary": lambda: reply_only(*render_summary(turn, step)),
        }
        if action in by_step:
            return by_step[action]()
        if action == "tick":
            return self._tick(turn, step, argument.partition("/")[2])
        located = _locate(turn, argument)
        if located is None:
            return None
        step, question = located
        if action == "skip":
            return self._advance(turn, step, question, lead=turn.content.coach.toolkit.skipped)
        if action == "back":
            return self._back(turn, step, question)
        if action == "form":
            return self._offer_form(turn, step, question)
        if action == "edit":
            return self._ask(turn, step, question, welcome_back=False)
        if action == "versions":
            return reply_only(render_versions(turn, step, question))
        return None

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        if form_id.startswith(toolkit_work.FORM_PREFIX):
            section = _section(turn, form_id.removeprefix(toolkit_work.FORM_PREFIX))
            return None if section is None else toolkit_work.submit_record(turn, section)
        if form_id != FORM_ID:
            return None
        located = _locate(turn, turn.inbound.form_context)
        if located is None:
            return None
        step, question = located
        text = turn.inbound.form.get(FIELD, "").strip()
        problem = _answer_problem(turn, text)
        if problem:
            return StepResult(form_errors=FormErrors({FIELD: problem}))
        waiting = _locate(
            turn, _key(str(turn.data.get("step_id")), str(turn.data.get("question_id")))
        )
        if turn.state == QUESTION and waiting is not None and waiting != (step, question):
            # A form for an earlier question, sent after the person moved on: keep the
            # answer, and keep them where they are.
            again = self._ask(turn, *waiting, welcome_back=False)
            saved = Reply(turn.content.coach.toolkit.answer_saved)
            effect = SaveAnswer(step_id=step.id, question_id=question.id, text=text)
            return StepResult(replies=(saved, *again.replies), effects=(effect,), keep_state=True)
        return self._record(turn, step, question, text)

    def close_form(self, turn: Turn, form_id: str) -> StepResult | None:
        """A form left unsaved: show where things stand, so there is always a way on."""
        if form_id.startswith(toolkit_work.FORM_PREFIX):
            section = _section(turn, form_id.removeprefix(toolkit_work.FORM_PREFIX))
            return None if section is None else toolkit_work.show_section(turn, section)
        if form_id == FORM_ID and turn.state == QUESTION:
            return reply_only(*self.resume(turn).replies)
        return None

    # -- questions --------------------------------------------------------------------------

    def _answer_in_conversation(self, turn: Turn) -> StepResult:
        located = _locate(
            turn, _key(str(turn.data.get("step_id")), str(turn.data.get("question_id")))
        )
        if located is None:  # content changed under a stored position: show the steps
            return reply_only(render_overview(turn))
        step, question = located
        text = turn.inbound.text.strip()
        problem = _answer_problem(turn, text)
        if problem:
            return reply_only(Reply(problem))
        return self._record(turn, step, question, text)

    def _record(
        self, turn: Turn, step: Step, question: ReflectionQuestion, text: str
    ) -> StepResult:
        effect = SaveAnswer(step_id=step.id, question_id=question.id, text=text)
        result = self._advance(turn, step, question, lead=turn.content.coach.toolkit.answer_saved)
        return StepResult(
            replies=result.replies,
            state=result.state,
            data=result.data,
            effects=(effect, *result.effects),
        )

    def _open_step(self, turn: Turn, step: Step, *, from_first: bool = False) -> StepResult:
        answers = turn.reads.answers(step_id=step.id)
        first_open = step.reflection_questions[0]
        if not from_first:
            first_open = next(
                (q for q in step.reflection_questions if q.id not in answers), first_open
            )
        intro = Reply(render_step_intro(turn, step), images=_shown_again(turn, step))
        checklist = render_checklist(turn, step)
        asked = self._ask(turn, step, first_open, welcome_back=False)
        return StepResult(
            replies=(intro, checklist, *asked.replies), state=asked.state, data=asked.data
        )

    def _questions(self, turn: Turn, step: Step) -> StepResult:
        answers = turn.reads.answers(step_id=step.id)
        first_open = next(
            (q for q in step.reflection_questions if q.id not in answers),
            step.reflection_questions[0],
        )
        return self._ask(turn, step, first_open, welcome_back=False)

    def _ask(
        self, turn: Turn, step: Step, question: ReflectionQuestion, *, welcome_back: bool
    ) -> StepResult:
        words = turn.content.coach.toolkit
        answers = turn.reads.answers(step_id=step.id)
        replies: list[Reply] = []
        if welcome_back:
            replies.append(
                Reply(
                    words.resumed.format(
                        number=step.number,
                        answered=sum(q.id in answers for q in step.reflection_questions),
                        total=len(step.reflection_questions),
                    )
                )
            )
        replies.append(render_question(turn, step, question, answers.get(question.id)))
        return StepResult(
            replies=tuple(replies),
            state=QUESTION,
            data={"step_id": step.id, "question_id": question.id},
        )

    def _advance(
        self, turn: Turn, step: Step, question: ReflectionQuestion, *, lead: str
    ) -> StepResult:
        questions = step.reflection_questions
        index = questions.index(question)
        if index + 1 < len(questions):
            asked = self._ask(turn, step, questions[index + 1], welcome_back=False)
            return StepResult(
                replies=(Reply(lead), *asked.replies), state=asked.state, data=asked.data
            )
        words = turn.content.coach.toolkit
        lines = [lead, words.questions_done.format(number=step.number)]
        if step.closing_note:
            lines.append(f"_{step.closing_note}_")
        done = Reply("\n".join(lines))
        return StepResult(
            replies=(done, render_menu(turn, step)),
            state=IDLE,
            data={"step_id": step.id, "done": True},
        )

    def _back(self, turn: Turn, step: Step, question: ReflectionQuestion) -> StepResult:
        index = step.reflection_questions.index(question)
        if index == 0:
            asked = self._ask(turn, step, question, welcome_back=False)
            lead = Reply(turn.content.coach.toolkit.at_first_question)
            return StepResult(replies=(lead, *asked.replies), state=asked.state, data=asked.data)
        return self._ask(turn, step, step.reflection_questions[index - 1], welcome_back=False)

    def _offer_form(self, turn: Turn, step: Step, question: ReflectionQuestion) -> StepResult:
        words = turn.content.coach.toolkit
        existing = turn.reads.answers(step_id=step.id).get(question.id)
        form = Form(
            form_id=FORM_ID,
            title=words.form_title,
            submit_label=words.form_submit,
            intro=question.text,
            fields=(
                FormField(
                    name=FIELD,
                    label=question.text[:2000],
                    multiline=True,
                    max_length=turn.content.coach.reflect.max_length,
                    initial=existing,
                ),
            ),
            context=_key(step.id, question.id),
        )
        return StepResult(
            replies=(Reply(question.text, form=form),),
            state=QUESTION,
            data={"step_id": step.id, "question_id": question.id},
        )

    # -- think out loud ---------------------------------------------------------------------

    def _start_think(self, turn: Turn, step: Step) -> StepResult:
        questions = step.current_conversation.think_out_loud
        if not questions:
            words = turn.content.coach.toolkit
            return reply_only(
                Reply(words.no_think.format(number=step.number)), render_menu(turn, step)
            )
        sidebar = render_sidebar(turn, step)
        asked = self._ask_think(turn, step, questions[0])
        return StepResult(replies=(sidebar, *asked.replies), state=asked.state, data=asked.data)

    def _ask_think(self, turn: Turn, step: Step, think: ThinkOutLoud) -> StepResult:
        words = turn.content.coach.toolkit
        questions = step.current_conversation.think_out_loud
        existing = turn.reads.answers(step_id=step.id).get(think.id)
        text = words.think_question.format(
            position=questions.index(think) + 1, total=len(questions), text=think.text
        )
        if existing:
            text += "\n" + words.your_answer
        choices = (
            Choice(_choice("skipthink", _key(step.id, think.id)), turn.content.coach.labels.skip),
            Choice(_choice("menu", step.id), turn.content.coach.labels.more_in_step),
        )
        return StepResult(
            replies=(Reply(text, choices=choices, quote=existing),),
            state=THINK,
            data={"step_id": step.id, "think_id": think.id},
        )

    def _think_in_conversation(self, turn: Turn) -> StepResult:
        step = find_step(turn, str(turn.data.get("step_id")))
        think = _think(step, str(turn.data.get("think_id"))) if step else None
        if step is None or think is None:
            return reply_only(render_overview(turn))
        text = turn.inbound.text.strip()
        problem = _answer_problem(turn, text)
        if problem:
            return reply_only(Reply(problem))
        after = self._after_think(turn, step, think, lead=turn.content.coach.toolkit.answer_saved)
        effect = SaveAnswer(step_id=step.id, question_id=think.id, text=text)
        return StepResult(
            replies=after.replies, state=after.state, data=after.data, effects=(effect,)
        )

    def _think_before(self, turn: Turn, step: Step, think: ThinkOutLoud) -> StepResult:
        """The Think Out Loud question before this one; at the first, it again (as Previous
        question does at a step's first question)."""
        questions = step.current_conversation.think_out_loud
        index = questions.index(think)
        if index > 0:
            return self._ask_think(turn, step, questions[index - 1])
        asked = self._ask_think(turn, step, think)
        lead = Reply(turn.content.coach.toolkit.at_first_question)
        return StepResult(replies=(lead, *asked.replies), state=asked.state, data=asked.data)

    def _after_think(self, turn: Turn, step: Step, think: ThinkOutLoud, *, lead: str) -> StepResult:
        questions = step.current_conversation.think_out_loud
        index = questions.index(think)
        if index + 1 < len(questions):
            asked = self._ask_think(turn, step, questions[index + 1])
            return StepResult(
                replies=(Reply(lead), *asked.replies), state=asked.state, data=asked.data
            )
        done = Reply(f"{lead}\n{turn.content.coach.toolkit.think_done}")
        return StepResult(
            replies=(done, render_menu(turn, step)),
            state=IDLE,
            data={"step_id": step.id, "done": True},
        )

    # -- checklist, work, reminders ---------------------------------------------------------

    def _tick(self, turn: Turn, step: Step, item_id: str) -> StepResult | None:
        if item_id not in {item.id for item in step.checklist}:
            return None
        ticked = turn.reads.ticked(step_id=step.id)
        now_ticked = item_id not in ticked
        after = (ticked | {item_id}) if now_ticked else (ticked - {item_id})
        effect = SetTicked(step_id=step.id, item_id=item_id, ticked=now_ticked)
        checklist = replace(render_checklist(turn, step, ticked=after), replaces=True)
        return StepResult(replies=(checklist,), effects=(effect,), keep_state=True)

    def _work(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        section_id, _, record = argument.partition("/")
        section = _section(turn, section_id)
        if section is None:
            return None
        if action == "work":
            return toolkit_work.show_section(turn, section)
        if action == "add":
            return toolkit_work.section_form(turn, section)
        return toolkit_work.remove_record(turn, section, record)

    def _remind(self, turn: Turn, argument: str) -> StepResult | None:
        words = turn.content.coach.toolkit
        if argument == "none":
            return StepResult(
                replies=(Reply(words.remind_off),), effects=(SetReminder(None),), keep_state=True
            )
        days = parse_int(argument)
        if days is None or days not in REMINDER_CHOICES:
            return None
        return StepResult(
            replies=(Reply(words.remind_set.format(days=days)),),
            effects=(SetReminder(days),),
            keep_state=True,
        )

    def reminder(self, turn: Turn) -> tuple[Reply, ...]:
        """The gentle reminder, as the worker sends it."""
        progress = turn.reads.progress(flow_id=self.flow_id)
        return reminder_replies(turn.content, progress[1] if progress else None)

    def _skip_think(self, turn: Turn, argument: str) -> StepResult | None:
        step_id, _, think_id = argument.partition("/")
        step = find_step(turn, step_id)
        think = _think(step, think_id) if step else None
        if step is None or think is None:
            return None
        return self._after_think(turn, step, think, lead=turn.content.coach.toolkit.skipped)


# -- finding things ---------------------------------------------------------------------------


def _key(step_id: str, question_id: str) -> str:
    return f"{step_id}/{question_id}"


def _locate(turn: Turn, key: str) -> tuple[Step, ReflectionQuestion] | None:
    step_id, _, question_id = key.partition("/")
    try:
        step = turn.content.toolkit.step(step_id)
        return step, step.question(question_id)
    except KeyError:
        return None


def _think(step: Step | None, think_id: str) -> ThinkOutLoud | None:
    if step is None:
        return None
    return next((q for q in step.current_conversation.think_out_loud if q.id == think_id), None)


def _section(turn: Turn, section_id: str) -> WorkSection | None:
    try:
        return turn.content.toolkit_work.section(section_id)
    except KeyError:
        return None


def _answer_problem(turn: Turn, text: str) -> str | None:
    words = turn.content.coach.toolkit
    problem = reflection_problem(turn, text)
    if problem is None:
        return None
    if len(text) > turn.content.coach.reflect.max_length:
        return words.too_long.format(length=len(text), limit=turn.content.coach.reflect.max_length)
    return words.empty_answer


def next_step(turn: Turn, step: Step) -> Step | None:
    """The step after this one; None after the last."""
    steps = turn.content.toolkit.steps
    index = steps.index(step)
    return steps[index + 1] if index + 1 < len(steps) else None


def find_step(turn: Turn, name: str) -> Step | None:
    """Find a step by number ("3"), id ("step-3") or "step 3"."""
    return _find_step_in(turn.content, name)


def _find_step_in(content: Content, name: str) -> Step | None:
    wanted = name.lower().removeprefix("step").strip(" -")
    for step in content.toolkit.steps:
        if wanted in {str(step.number), step.id.removeprefix("step-")}:
            return step
    return None


def current_position(turn: Turn) -> tuple[Step, ReflectionQuestion | None] | None:
    """The step (and question) the person stopped at; None if they never started."""
    progress = turn.reads.progress(flow_id=ToolkitFlow.flow_id)
    return None if progress is None else _position(turn.content, progress[1])


def _position(
    content: Content, data: Mapping[str, Any]
) -> tuple[Step, ReflectionQuestion | None] | None:
    """Where the stored progress `data` stands: a step, and the question (None once done)."""
    step = _find_step_in(content, str(data.get("step_id")))
    if step is None:
        return None
    if data.get("done") or data.get("think_id"):
        return step, None
    question_id = str(data.get("question_id"))
    question = next((q for q in step.reflection_questions if q.id == question_id), None)
    return step, question or step.reflection_questions[0]


def reminder_replies(content: Content, progress: Mapping[str, Any] | None) -> tuple[Reply, ...]:
    """The gentle reminder the worker sends: where the person is (from their stored toolkit
    progress), and a button back in; nothing once the last step is done."""
    words = content.coach.toolkit
    position = _position(content, progress) if progress is not None else None
    step = position[0] if position else content.toolkit.step(words.first_step)
    if position and position[1] is None:
        steps = content.toolkit.steps
        index = steps.index(step)
        if index + 1 >= len(steps):  # the last step is done: nothing left to remind of
            return ()
        step = steps[index + 1]
    choices = (
        Choice(_choice("continue"), content.coach.labels.continue_toolkit, "primary"),
        Choice(_choice("remind", "none"), content.coach.labels.remind_none),
    )
    text = words.reminder.format(number=step.number, question=step.guiding_question)
    return (Reply(text, choices=choices),)


def step_status(turn: Turn, step: Step) -> tuple[int, int, int]:
    """(questions answered, checklist items ticked, work records) for one step."""
    answers = turn.reads.answers(step_id=step.id)
    answered = sum(q.id in answers for q in step.reflection_questions)
    ticked = len(turn.reads.ticked(step_id=step.id) & {i.id for i in step.checklist})
    records = sum(
        len(turn.reads.work_records(section_id=s.id))
        for s in turn.content.toolkit_work.for_step(step.id)
    )
    return answered, ticked, records


# -- what the person sees ---------------------------------------------------------------------


def render_overview(turn: Turn) -> Reply:
    words = turn.content.coach.toolkit
    lines = [words.overview_heading]
    for step in turn.content.toolkit.steps:
        answered, ticked, records = step_status(turn, step)
        total = len(step.reflection_questions)
        mark = (
            words.mark_done
            if answered == total
            else words.mark_started
            if answered or ticked or records
            else words.mark_new
        )
        lines.append(
            words.overview_line.format(
                mark=mark,
                number=step.number,
                question=step.guiding_question,
                answered=answered,
                total=total,
                ticked=ticked,
                items=len(step.checklist),
            )
        )
    choices: list[Choice] = []
    position = current_position(turn)
    if position is not None:
        step, question = position
        upcoming = step if question is not None else next_step(turn, step)
        if upcoming is not None:
            choices.append(
                Choice(
                    _choice("continue"),
                    words.continue_label.format(number=upcoming.number),
                    "primary",
                )
            )
    choices += [
        Choice(_choice("open", step.id), words.open_label.format(number=step.number))
        for step in turn.content.toolkit.steps
    ]
    choices.append(Choice(_choice("export"), turn.content.coach.labels.export))
    return Reply("\n".join(lines), choices=tuple(choices))


def render_step_intro(turn: Turn, step: Step) -> str:
    words = turn.content.coach.toolkit
    lines = [
        words.step_heading.format(number=step.number, question=step.guiding_question),
        step.intro,
        "",
        words.competencies_heading,
        *(f"{n}. {text}" for n, text in enumerate(step.key_competencies, start=1)),
    ]
    return "\n".join(lines)


def render_checklist(turn: Turn, step: Step, *, ticked: set[str] | None = None) -> Reply:
    words = turn.content.coach.toolkit
    done = turn.reads.ticked(step_id=step.id) if ticked is None else ticked
    lines = [words.checklist_heading]
    choices: list[Choice] = []
    for position, item in enumerate(step.checklist, start=1):
        is_ticked = item.id in done
        mark = words.ticked_mark if is_ticked else words.unticked_mark
        lines.append(
            words.checklist_line.format(
                mark=mark, position=position, action=item.action, text=item.text
            )
        )
        lines += [f"    ◦ {detail}" for detail in item.details]
        lines += [f"    ◦ {render_example(turn, example)}" for example in item.examples]
        lines += [f"    ◦ {r.title}" + (f" ({r.kind})" if r.kind else "") for r in item.resources]
        label = words.untick_label if is_ticked else words.tick_label
        choices.append(
            Choice(_choice("tick", f"{step.id}/{item.id}"), label.format(position=position))
        )
    choices.append(Choice(_choice("menu", step.id), turn.content.coach.labels.more_in_step))
    return Reply("\n".join(lines), choices=tuple(choices))


def render_question(
    turn: Turn, step: Step, question: ReflectionQuestion, existing: str | None
) -> Reply:
    words = turn.content.coach.toolkit
    labels = turn.content.coach.labels
    position = step.reflection_questions.index(question) + 1
    lines = [f"_{question.group}_"] if question.group else []
    lines.append(
        words.question.format(
            position=position, total=len(step.reflection_questions), text=question.text
        )
    )
    lines += [render_example(turn, example) for example in question.examples]
    lines += [words.follow_up.format(text=text) for text in question.follow_ups]
    if question.note:
        lines.append(f"_{question.note}_")
    if existing:
        lines.append(words.your_answer)
    key = _key(step.id, question.id)
    choices = (
        Choice(_choice("form", key), labels.answer_in_form, style="primary"),
        Choice(_choice("skip", key), labels.skip),
        Choice(_choice("back", key), labels.back),
        Choice(_choice("menu", step.id), labels.more_in_step),
    )
    return Reply("\n".join(lines), choices=choices, quote=existing)


def render_example(turn: Turn, example: Example) -> str:
    words = turn.content.coach.toolkit
    template = words.example_labelled if example.label else words.example
    return template.format(label=example.label, text=example.text)


def render_menu(turn: Turn, step: Step) -> Reply:
    """Everything the step offers, to do in any order."""
    labels = turn.content.coach.labels
    choices = [
        Choice(_choice("questions", step.id), labels.questions),
        Choice(_choice("checklist", step.id), labels.checklist),
    ]
    choices += [
        Choice(_choice("work", section.id), section.title[:75])
        for section in turn.content.toolkit_work.for_step(step.id)
    ]
    if step.tips:
        choices.append(Choice(_choice("tips", step.id), labels.tips))
    if step.current_conversation.think_out_loud:
        choices.append(Choice(_choice("think", step.id), labels.think_out_loud))
    else:
        choices.append(Choice(_choice("sidebar", step.id), labels.current_conversation))
    choices.append(Choice(_choice("summary", step.id), labels.summary, "primary"))
    choices.append(Choice(_choice("restart", step.id), labels.restart_step))
    if turn.inbound.reachable_later:
        choices.append(Choice(_choice("remind", "7"), labels.remind_me))
    text = turn.content.coach.toolkit.menu_heading.format(number=step.number)
    return Reply(text, choices=tuple(choices))


def render_sidebar(turn: Turn, step: Step) -> Reply:
    """The step's "Current Conversation" sidebar."""
    conversation = step.current_conversation
    heading = turn.content.coach.toolkit.think_heading.format(title=conversation.title)
    return Reply(f"{heading}\n{conversation.text}")


def render_tips(turn: Turn, step: Step) -> tuple[Reply, ...]:
    words = turn.content.coach.toolkit
    if not step.tips:
        return (Reply(words.no_tips.format(number=step.number)), render_menu(turn, step))
    replies = [Reply(words.tips_heading.format(number=step.number))]
    for tip in step.tips:
        heading = f"*{tip.title}*" if tip.title else ""
        # The tip's first paragraph leads into its items ("Keep in mind the following norms:").
        lead, _, rest = tip.text.partition("\n\n")
        items = "\n".join(f"• {item}" for item in tip.items)
        body = "\n\n".join(part for part in (lead, items, rest) if part)
        if tip.kind in {"sample_email", "meeting_outline"}:
            text = "\n".join(part for part in (heading, words.copy_hint) if part)
            replies.append(Reply(text, copyable=body))
        else:
            replies.append(Reply("\n".join(part for part in (heading, body) if part)))
    replies.append(render_menu(turn, step))
    return tuple(replies)


def render_summary(turn: Turn, step: Step) -> tuple[Reply, ...]:
    words = turn.content.coach.toolkit
    labels = turn.content.coach.labels
    answers = turn.reads.answers(step_id=step.id)
    finished = all(answers.get(q.id) for q in step.reflection_questions)
    heading = words.step_done if finished else words.step_so_far
    earlier = turn.reads.earlier_answers(step_id=step.id)
    lines = [heading.format(number=step.number)]
    edits: list[Choice] = []
    for position, question in enumerate(step.reflection_questions, start=1):
        answer = answers.get(question.id)
        if answer:
            key = _key(step.id, question.id)
            lines.append(fill_indented(words.summary_item, question=question.text, answer=answer))
            edits.append(
                Choice(_choice("edit", key), words.summary_edit_label.format(position=position))
            )
            if earlier.get(question.id):
                label = words.summary_versions_label.format(position=position)
                edits.append(Choice(_choice("versions", key), label))
        else:
            lines.append(words.summary_skipped.format(question=question.text))
    for think in step.current_conversation.think_out_loud:
        if answers.get(think.id):
            item = fill_indented(words.summary_item, question=think.text, answer=answers[think.id])
            lines.append(item)
    images: list[Image] = []
    sections = turn.content.toolkit_work.for_step(step.id)
    work_lines: list[str] = []
    for section in sections:
        records = turn.reads.work_records(section_id=section.id)
        if not records:
            continue
        work_lines.append(words.work_heading.format(title=section.title))
        work_lines += [
            words.work_line.format(position=n, text=toolkit_work.record_text(turn, section, r.data))
            for n, r in enumerate(records, start=1)
        ]
        drawn = toolkit_work.section_images(turn, section, [r.data for r in records])
        # Two sections can redraw one picture (Step 6's area and quadrants): show it once.
        images += [i for i in drawn if i.filename not in {seen.filename for seen in images}]
    if work_lines:
        lines += ["", words.summary_work_heading, *work_lines]
    if step.closing_note:
        lines += ["", f"_{step.closing_note}_"]
    summary = Reply("\n".join(lines), choices=tuple(edits), images=tuple(images))
    following = next_step(turn, step)
    if following is None:
        return (
            summary,
            Reply(words.toolkit_done, choices=(Choice(_choice("export"), labels.export),)),
        )
    next_line = words.next_step.format(number=following.number, question=following.guiding_question)
    choice = Choice(_choice("open", following.id), labels.next_step, style="primary")
    return (summary, Reply(next_line, choices=(choice,)))


def render_versions(turn: Turn, step: Step, question: ReflectionQuestion) -> Reply:
    """The earlier versions of one answer, newest first, each with when it was saved (in the
    person's time zone); then a way to edit it, or back to the step's summary."""
    words = turn.content.coach.toolkit
    labels = turn.content.coach.labels
    position = step.reflection_questions.index(question) + 1
    versions = turn.reads.earlier_answers(step_id=step.id).get(question.id, [])
    local_zone = zone(turn.reads.nudge_settings().time_zone)
    lines = [words.versions_heading.format(position=position, question=question.text)]
    for version in versions:
        saved = version.saved_at.astimezone(local_zone)
        when = words.version_when.format(
            day=day_text(turn.content, saved.date(), today=turn.today),
            time=saved.strftime("%H:%M"),
        )
        lines.append(fill_indented(words.version_line, when=when, text=version.text))
    if not versions:
        lines = [words.no_versions]
    key = _key(step.id, question.id)
    choices = (
        Choice(_choice("edit", key), words.summary_edit_label.format(position=position)),
        Choice(_choice("summary", step.id), labels.summary),
    )
    return Reply("\n".join(lines), choices=choices)


def render_reminder_offer(turn: Turn) -> Reply:
    labels = turn.content.coach.labels
    choices = (
        Choice(_choice("remind", "3"), labels.remind_3),
        Choice(_choice("remind", "7"), labels.remind_7),
        Choice(_choice("remind", "none"), labels.remind_none),
    )
    return Reply(turn.content.coach.toolkit.remind_offer, choices=choices)


def _shown_again(turn: Turn, step: Step) -> tuple[Image, ...]:
    """Pictures from earlier steps this step asks to look at again (Step 4: the continuum)."""
    images: list[Image] = []
    for section in turn.content.toolkit_work.shown_in(step.id):
        records = [r.data for r in turn.reads.work_records(section_id=section.id)]
        images += toolkit_work.section_images(turn, section, records)
    return tuple(images)
