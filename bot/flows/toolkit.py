"""The toolkit flow: a step's framing, then its reflection questions one at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.messages import Choice, Form, FormErrors, FormField, Reply
from bot.flows.base import (
    IDLE,
    Flow,
    Handler,
    SaveAnswer,
    StepResult,
    Turn,
    choice_value,
    reply_only,
)
from bot.flows.reflect import reflection_problem
from content.toolkit import Example, ReflectionQuestion, Step

QUESTION = "question"
FORM_ID = "toolkit.answer"
FIELD = "answer"


class ToolkitFlow(Flow):
    flow_id = "toolkit"

    def start(self, turn: Turn, argument: str) -> StepResult:
        words = turn.content.coach.toolkit
        if argument.strip():
            step = find_step(turn, argument.strip())
            if step is None:
                return reply_only(Reply(words.unknown_step.format(name=argument)))
            return self._open_step(turn, step)
        position = current_position(turn)
        if position is None:
            return self._open_step(turn, turn.content.toolkit.step(words.first_step))
        step, question = position
        if question is None:
            return self._open_step(turn, next_step(turn, step) or step)
        return self._ask(turn, step, question, welcome_back=True)

    def resume(self, turn: Turn) -> StepResult:
        return self.start(turn, "")

    def states(self) -> Mapping[str, Handler]:
        return {QUESTION: self._answer_in_conversation}

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "start":
            return self.start(turn, argument)
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
        return None

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
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
        return self._record(turn, step, question, text)

    def _answer_in_conversation(self, turn: Turn) -> StepResult:
        located = _locate(turn, _key(str(turn.data["step_id"]), str(turn.data["question_id"])))
        if located is None:  # content changed under a stored position: start the step again
            return self.start(turn, "")
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
        result = self._advance(
            turn, step, question, lead=turn.content.coach.toolkit.answer_saved, just_saved=effect
        )
        return StepResult(
            replies=result.replies,
            state=result.state,
            data=result.data,
            effects=(effect, *result.effects),
        )

    def _open_step(self, turn: Turn, step: Step) -> StepResult:
        answers = turn.reads.answers(step_id=step.id)
        first_open = next(
            (q for q in step.reflection_questions if q.id not in answers),
            step.reflection_questions[0],
        )
        intro = Reply(render_step_intro(turn, step))
        asked = self._ask(turn, step, first_open, welcome_back=False)
        return StepResult(replies=(intro, *asked.replies), state=asked.state, data=asked.data)

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
        self,
        turn: Turn,
        step: Step,
        question: ReflectionQuestion,
        *,
        lead: str,
        just_saved: SaveAnswer | None = None,
    ) -> StepResult:
        questions = step.reflection_questions
        index = questions.index(question)
        if index + 1 < len(questions):
            asked = self._ask(turn, step, questions[index + 1], welcome_back=False)
            return StepResult(
                replies=(Reply(lead), *asked.replies), state=asked.state, data=asked.data
            )
        answers = turn.reads.answers(step_id=step.id)
        if just_saved is not None:
            answers[just_saved.question_id] = just_saved.text
        return StepResult(
            replies=(Reply(lead), *render_summary(turn, step, answers)),
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


def _key(step_id: str, question_id: str) -> str:
    return f"{step_id}/{question_id}"


def _locate(turn: Turn, key: str) -> tuple[Step, ReflectionQuestion] | None:
    step_id, _, question_id = key.partition("/")
    try:
        step = turn.content.toolkit.step(step_id)
        return step, step.question(question_id)
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
    wanted = name.lower().removeprefix("step").strip(" -")
    for step in turn.content.toolkit.steps:
        if wanted in {str(step.number), step.id}:
            return step
    return None


def current_position(turn: Turn) -> tuple[Step, ReflectionQuestion | None] | None:
    """The step (and question) the person stopped at; None if they never started."""
    progress = turn.reads.progress(flow_id=ToolkitFlow.flow_id)
    if progress is None:
        return None
    _, data = progress
    try:
        step = turn.content.toolkit.step(str(data.get("step_id")))
    except KeyError:
        return None
    if data.get("done"):
        return step, None
    located = _locate(turn, _key(step.id, str(data.get("question_id"))))
    return (step, located[1]) if located else (step, step.reflection_questions[0])


def render_step_intro(turn: Turn, step: Step) -> str:
    words = turn.content.coach.toolkit
    lines = [
        words.step_heading.format(number=step.number, question=step.guiding_question),
        step.intro,
        "",
        words.competencies_heading,
        *(f"{n}. {text}" for n, text in enumerate(step.key_competencies, start=1)),
    ]
    if step.checklist:
        lines += ["", words.checklist_heading]
        for item in step.checklist:
            lines.append(f"• *{item.action}* {item.text}")
            lines += [f"    ◦ {detail}" for detail in item.details]
            lines += [f"    ◦ {render_example(turn, example)}" for example in item.examples]
    return "\n".join(lines)


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
        Choice(choice_value("toolkit", "form", key), labels.answer_in_form, style="primary"),
        Choice(choice_value("toolkit", "skip", key), labels.skip),
        Choice(choice_value("toolkit", "back", key), labels.back),
    )
    return Reply("\n".join(lines), choices=choices, quote=existing)


def render_example(turn: Turn, example: Example) -> str:
    words = turn.content.coach.toolkit
    template = words.example_labelled if example.label else words.example
    return template.format(label=example.label, text=example.text)


def render_summary(turn: Turn, step: Step, answers: Mapping[str, Any]) -> tuple[Reply, ...]:
    words = turn.content.coach.toolkit
    lines = [words.step_done.format(number=step.number)]
    for question in step.reflection_questions:
        answer = answers.get(question.id)
        if answer:
            lines.append(words.summary_item.format(question=question.text, answer=answer))
        else:
            lines.append(words.summary_skipped.format(question=question.text))
    following = next_step(turn, step)
    if following is None:
        return (Reply("\n".join(lines)), Reply(words.toolkit_done))
    next_line = words.next_step.format(number=following.number, question=following.guiding_question)
    choice = Choice(
        choice_value("toolkit", "start", following.id),
        turn.content.coach.labels.next_step,
        style="primary",
    )
    return (Reply("\n".join(lines)), Reply(next_line, choices=(choice,)))
