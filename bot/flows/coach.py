"""The coach's front door: welcome, help, and the replies for unknown commands."""

from __future__ import annotations

from bot.core.messages import Choice, Reply
from bot.flows import suggest
from bot.flows.base import Command, FrontDoor, StepResult, Turn, choice_value, reply_only


def welcome_choices(turn: Turn) -> tuple[Choice, ...]:
    labels = turn.content.coach.labels
    started = turn.reads.progress(flow_id="toolkit") is not None
    toolkit = labels.continue_toolkit if started else labels.start_toolkit
    return (
        Choice(choice_value("toolkit", "start"), toolkit, style="primary"),
        Choice(choice_value("reflect", "start"), labels.reflect),
        Choice(choice_value("plan", "start"), labels.your_plan),
        Choice(choice_value("coach", "help"), labels.help),
    )


def help_text(turn: Turn) -> str:
    coach = turn.content.coach
    lines = [coach.general.help_heading]
    lines += [f"• *{c.usage}*: {c.description}" for c in coach.commands.values()]
    lines.append(coach.general.help_footer)
    return "\n".join(lines)


class CoachFlow(FrontDoor):
    """Welcome, help, and the answer to words typed outside any conversation; it never waits
    for an answer, but keeps the latest such messages for their "Keep as a reflection"."""

    flow_id = suggest.FLOW_ID
    remembers_place = True  # the messages waiting to be kept (`suggest.answer`'s data)

    def commands(self) -> tuple[Command, ...]:
        return (Command("help", lambda turn, _: self.help(turn)),)

    def start(self, turn: Turn, argument: str) -> StepResult:
        return self.greeting(turn)

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        if action == "help":
            return self.help(turn)
        if action == "start":
            return self.greeting(turn)
        if action == suggest.KEEP:
            return suggest.keep(turn, argument)
        return None

    def welcome(self, turn: Turn) -> StepResult:
        """What anything the coach does not otherwise take gets: a message typed outside any
        conversation is answered (`suggest.answer`); a greeting, or nothing, gets the welcome."""
        return suggest.answer(turn) or self.greeting(turn)

    def greeting(self, turn: Turn) -> StepResult:
        """What the coach can do, with a button for each."""
        return StepResult(
            replies=(Reply(turn.content.coach.general.welcome, choices=welcome_choices(turn)),)
        )

    def help(self, turn: Turn) -> StepResult:
        return StepResult(replies=(Reply(help_text(turn)),))

    def help_in_flow(self, turn: Turn) -> StepResult:
        return reply_only(Reply(f"{turn.content.coach.general.help_in_flow}\n\n{help_text(turn)}"))

    def nothing_to_resume(self, turn: Turn) -> StepResult:
        nothing = turn.content.coach.general.nothing_to_resume
        return StepResult(replies=(Reply(nothing, choices=welcome_choices(turn)),))

    def unknown_command(self, turn: Turn, name: str) -> StepResult:
        lead = turn.content.coach.general.unknown_command.format(name=name)
        return StepResult(replies=(Reply(f"{lead}\n{help_text(turn)}"),))
