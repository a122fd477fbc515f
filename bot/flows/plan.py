"""The relationship plan: goals, relationships, maturity, action items, nudge settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from bot.core.messages import Choice, Form, FormErrors, Reply
from bot.core.text import parse_int
from bot.flows.balance import balance_replies
from bot.flows.base import Command, Flow, StepResult, Turn, choice_value, reply_only
from bot.flows.nudges import digest_replies, nudge_replies
from bot.flows.plan_forms import (
    FORM_ACTION,
    FORM_GOALS,
    FORM_RATING,
    FORM_RELATIONSHIP,
    FORM_SETTINGS,
    NEW,
    OTHER,
    TOOLKIT,
    action_form,
    clip,
    constituency_name,
    constituency_options,
    due_date,
    goals_form,
    group_name,
    is_partner,
    local_date,
    parse_day,
    rating_form,
    read_action,
    read_goals,
    read_indicators,
    read_relationship,
    read_settings,
    relationship_form,
    settings_form,
    settings_summary,
    stage_indicators,
    step6_prefill,
)
from bot.flows.plan_model import (
    ActionItemView,
    CheckInView,
    DigestShown,
    RateMaturity,
    RelationshipView,
    RemoveActionItem,
    RemoveRelationship,
    SaveActionItem,
    SetActionDone,
    SetRelationshipPaused,
)
from bot.flows.wording import cadence_text, day_text, due_text
from content import Content

FLOW = "plan"
MAX_RELATIONSHIP_BUTTONS = 20
MAX_ACTION_BUTTONS = 20
MAX_DONE_SHOWN = 5
BALANCE_DAYS = 90
SELF = "self"  # the worksheet's "yourself" constituency: a relationship with no kind to name
NAMED = "@"  # a relationship named in a button (one just added, whose id is not known yet)


def _button(action: str, label: str, argument: str | int = "", style: str | None = None) -> Choice:
    value = choice_value(FLOW, action, str(argument))
    if style == "primary":
        return Choice(value, clip(label), "primary")
    if style == "danger":
        return Choice(value, clip(label), "danger")
    return Choice(value, clip(label))


def _id(argument: str) -> int | None:
    return parse_int(argument)


def _with_form(form: Form, retry: Choice) -> StepResult:
    # The button is shown only where the form cannot open (an expired Slack trigger).
    return reply_only(Reply(form.intro or form.title, form=form, choices=(retry,)))


class PlanFlow(Flow):
    flow_id = FLOW

    def commands(self) -> tuple[Command, ...]:
        # The overview and `balance` draw the balance chart, posted with the picture after the ack.
        return (
            Command(
                "plan",
                self.start,
                slow=lambda argument: argument.strip() in {"", "balance"},
                arguments=("actions", "settings", "goals", "add", "balance"),
            ),
        )

    def start(self, turn: Turn, argument: str) -> StepResult:
        shortcuts: Mapping[str, Callable[[Turn], StepResult]] = {
            "actions": self._actions,
            "settings": self._settings,
            "goals": self._goals,
            "add": self._add,
            "balance": self._balance,
        }
        shortcut = shortcuts.get(argument.strip())
        return shortcut(turn) if shortcut else self._overview(turn)

    def choose(self, turn: Turn, action: str, argument: str) -> StepResult | None:
        plain: Mapping[str, Callable[[Turn], StepResult]] = {
            "start": self._overview,
            "goals": self._goals,
            "actions": self._actions,
            "action-add": self._action_add,
            "action-import": self._action_import,
            "settings": self._settings,
            "balance": self._balance,
            "due": due_now,
        }
        if action in plain:
            return plain[action](turn)
        if action == "add":
            return self._add_to_group(turn, argument) if argument else self._add(turn)
        on_relationship: Mapping[str, Callable[[Turn, RelationshipView], StepResult]] = {
            "show": self._show,
            "edit": self._edit,
            "pause": lambda t, r: self._set_paused(t, r, paused=True),
            "resume": lambda t, r: self._set_paused(t, r, paused=False),
            "remove": self._remove_question,
            "remove-confirm": self._remove,
            "rate": self._rate,
        }
        if action in on_relationship:
            relationship = self._relationship(turn, argument)
            return None if relationship is None else on_relationship[action](turn, relationship)
        if action == "score":
            return self._score(turn, argument)
        on_action: Mapping[str, Callable[[Turn, ActionItemView], StepResult]] = {
            "action": self._action_item,
            "action-edit": lambda t, item: _with_form(
                action_form(t, item),
                _button("action-edit", t.content.plan.labels.open_form, item.id),
            ),
            "done": lambda t, item: self._set_done(t, item, done=True),
            "undone": lambda t, item: self._set_done(t, item, done=False),
            "action-remove": self._action_remove_question,
            "action-remove-confirm": self._action_remove,
        }
        if action in on_action:
            aid = _id(argument)
            item = turn.reads.action_item(aid) if aid is not None else None
            return None if item is None else on_action[action](turn, item)
        return None

    def settled_value(self, turn: Turn, form_id: str, name: str, value: str) -> str:
        """An action item's due day as the date it means (one ahead)."""
        if (form_id, name) != (FORM_ACTION, "when"):
            return value
        day = parse_day(turn.content, value, turn.today)
        return value if day is None else day.isoformat()

    def reopen_form(self, turn: Turn, form_id: str, context: str) -> StepResult | None:
        """A plan form left part-way, for `resume`: opened as its button would open it."""
        action, argument = {
            FORM_GOALS: ("goals", ""),
            FORM_SETTINGS: ("settings", ""),
            FORM_RELATIONSHIP: ("edit", context) if context else ("add", ""),
            FORM_ACTION: {
                f"{NEW}/plan": ("action-add", ""),
                f"{NEW}/{TOOLKIT}": ("action-import", ""),
            }.get(context, ("action-edit", context)),
        }.get(form_id, ("", ""))
        return self.choose(turn, action, argument) if action else None

    def submit(self, turn: Turn, form_id: str) -> StepResult | None:
        if form_id == FORM_GOALS:
            return self._submit_goals(turn)
        if form_id == FORM_RELATIONSHIP:
            return self._submit_relationship(turn)
        if form_id == FORM_RATING:
            return self._submit_rating(turn)
        if form_id == FORM_ACTION:
            return self._submit_action(turn)
        if form_id == FORM_SETTINGS:
            return self._submit_settings(turn)
        return None

    # ----- the overview ----------------------------------------------------------------------

    def _overview(self, turn: Turn) -> StepResult:
        content = turn.content
        words = content.plan.overview
        labels = content.plan.labels
        relationships = turn.reads.relationships()
        lines = [words.heading]
        lines += _goal_lines(turn)
        if not relationships:
            sheet = content.worksheet
            separator = words.list_separator
            lines += [
                words.empty_intro,
                f"*{sheet.relationship_plan.heading}*",
                sheet.relationship_plan.intro,
                words.empty_constituencies.format(
                    names=separator.join(c.name for c in sheet.constituencies())
                ),
                words.empty_partners.format(
                    names=separator.join(k.name for k in content.rubric.partner_kinds)
                ),
                words.empty_next,
            ]
            choices = (
                _button("add", labels.add_relationship, style="primary"),
                _button("goals", labels.goals),
                _button("actions", labels.action_plan),
                _button("settings", labels.settings),
            )
            return reply_only(Reply("\n\n".join(lines), choices=choices))
        for heading, members in _grouped(content, relationships):
            lines.append("")
            lines.append(words.group_heading.format(name=_capitalised(heading)))
            lines += [_relationship_line(turn, r) for r in members]
        buttons = [_button("add", labels.add_relationship, style="primary")]
        buttons += [_button("show", r.name, r.id) for r in relationships[:MAX_RELATIONSHIP_BUTTONS]]
        if len(relationships) > MAX_RELATIONSHIP_BUTTONS:
            lines += ["", words.more_buttons.format(shown=MAX_RELATIONSHIP_BUTTONS)]
        buttons += [
            _button("goals", labels.goals),
            _button("actions", labels.action_plan),
            _button("settings", labels.settings),
            Choice(choice_value("checkin", "start"), labels.log_checkin),
        ]
        overview = Reply("\n".join(lines), choices=tuple(buttons))
        balance = balance_replies(
            content,
            relationships,
            turn.reads.checkins(since=turn.today - timedelta(days=BALANCE_DAYS)),
            now=turn.now,
            today=turn.today,
            weekly=False,
        )
        return reply_only(overview, *balance)

    def _balance(self, turn: Turn) -> StepResult:
        relationships = turn.reads.relationships()
        replies = balance_replies(
            turn.content,
            relationships,
            turn.reads.checkins(since=turn.today - timedelta(days=BALANCE_DAYS)),
            now=turn.now,
            today=turn.today,
            weekly=False,
        )
        return reply_only(*replies) if replies else self._overview(turn)

    # ----- goals -----------------------------------------------------------------------------

    def _goals(self, turn: Turn) -> StepResult:
        return _with_form(goals_form(turn), _button("goals", turn.content.plan.labels.open_form))

    def _submit_goals(self, turn: Turn) -> StepResult:
        read = read_goals(turn)
        if isinstance(read, dict):
            return StepResult(form_errors=FormErrors(read))
        words = turn.content.plan
        reply = Reply(words.goals.saved, choices=(_button("start", words.labels.back_to_plan),))
        return StepResult(replies=(reply,), effects=(read,), keep_state=True)

    # ----- relationships ---------------------------------------------------------------------

    def _relationship(self, turn: Turn, argument: str) -> RelationshipView | None:
        """One of the person's relationships, by id (or by name, for one just added)."""
        if argument.startswith(NAMED):
            name = argument[len(NAMED) :].casefold()
            return next((r for r in turn.reads.relationships() if r.name.casefold() == name), None)
        rid = _id(argument)
        return turn.reads.relationship(rid) if rid is not None else None

    def _add(self, turn: Turn) -> StepResult:
        form = relationship_form(turn, None)
        return _with_form(form, _button("add", turn.content.plan.labels.open_form))

    def _add_to_group(self, turn: Turn, constituency: str) -> StepResult | None:
        """The form for a new relationship with its group chosen already (a growth area of a
        self-assessment offers to add someone of its group); None for a group not offered."""
        if constituency not in {value for value, _ in constituency_options(turn.content)}:
            return None
        form = relationship_form(turn, None, constituency=constituency)
        return _with_form(form, _button("add", turn.content.plan.labels.open_form, constituency))

    def _edit(self, turn: Turn, relationship: RelationshipView) -> StepResult:
        form = relationship_form(turn, relationship)
        return _with_form(
            form, _button("edit", turn.content.plan.labels.open_form, relationship.id)
        )

    def _submit_relationship(self, turn: Turn) -> StepResult | None:
        context = turn.inbound.form_context
        existing: RelationshipView | None = None
        if context:
            existing = self._relationship(turn, context)
            if existing is None:
                return None  # not theirs, or removed since the form opened
        read = read_relationship(turn, existing.id if existing else None)
        if isinstance(read, dict):
            return StepResult(form_errors=FormErrors(read))
        content = turn.content
        words = content.plan.relationship
        labels = content.plan.labels
        cadence = cadence_text(content, read.cadence, read.cadence_days)
        if existing is None:
            text = words.saved_new.format(name=read.name, cadence=cadence)
            target = f"{NAMED}{read.name}"
        elif existing.paused:
            text = words.saved_paused.format(name=read.name)
            target = str(existing.id)
        else:
            text = words.saved_edit.format(name=read.name, cadence=cadence)
            target = str(existing.id)
        partner = read.constituency in {k.id for k in content.rubric.partner_kinds}
        choices = [_button("show", labels.show_relationship, target)]
        if partner:
            text = f"{text}\n{words.rate_offer}"
            choices.append(_button("rate", labels.rate, target))
        if existing is None:
            choices.append(_button("add", labels.add_another))
        choices.append(_button("start", labels.back_to_plan))
        reply = Reply(text, choices=tuple(choices))
        return StepResult(replies=(reply,), effects=(read,), keep_state=True)

    def _show(self, turn: Turn, relationship: RelationshipView) -> StepResult:
        content = turn.content
        words = content.plan.detail
        labels = content.plan.labels
        r = relationship
        heading = (
            words.heading_self.format(name=r.name, constituency=constituency_name(content, r))
            if r.constituency == SELF
            else words.heading.format(
                name=r.name,
                kind=content.plan.kinds.words.get(r.kind, r.kind),
                constituency=constituency_name(content, r),
            )
        )
        lines = [
            heading,
            words.cadence.format(cadence=cadence_text(content, r.cadence, r.cadence_days)),
        ]
        if r.paused:
            lines.append(words.paused)
        elif r.next_due_at is not None:
            if r.next_due_at <= turn.now:
                lines.append(words.due_now)
            else:
                lines.append(words.next_due.format(date=_due_text(turn, r.next_due_at)))
        if r.strategies:
            lines += ["", words.strategies.format(text=r.strategies)]
        if r.success_measures:
            lines += ["", words.measures_heading]
            lines += [words.measure_line.format(text=m) for m in r.success_measures]
        lines += ["", words.checkins_heading]
        checkins = turn.reads.recent_checkins(r.id, limit=3)
        for checkin in checkins:
            day = local_date(content, checkin.happened_on)
            lines.append(
                words.checkin_notes.format(date=day, notes=checkin.notes)
                if checkin.notes
                else words.checkin_line.format(date=day)
            )
        if not checkins:
            lines.append(words.no_checkins)
        lines += _rating_lines(turn, r)
        choices = (
            Choice(choice_value("checkin", "log", str(r.id)), labels.log_checkin, "primary"),
            _button("edit", labels.edit, r.id),
            _button("resume", labels.resume, r.id)
            if r.paused
            else _button("pause", labels.pause, r.id),
            _button("rate", labels.rate, r.id),
            _button("remove", labels.remove, r.id),
            _button("start", labels.back_to_plan),
        )
        return reply_only(Reply("\n".join(lines), choices=choices))

    def _set_paused(
        self, turn: Turn, relationship: RelationshipView, *, paused: bool
    ) -> StepResult:
        content = turn.content
        words = content.plan.detail
        labels = content.plan.labels
        r = relationship
        back = _button("start", labels.back_to_plan)
        if r.paused == paused:
            text = (words.already_paused if paused else words.already_resumed).format(name=r.name)
            return reply_only(Reply(text, choices=(_button("show", r.name, r.id), back)))
        if paused:
            text = words.paused_now.format(name=r.name)
            toggle = _button("resume", labels.resume, r.id)
        else:
            cadence = cadence_text(content, r.cadence, r.cadence_days)
            text = words.resumed_now.format(name=r.name, cadence=cadence)
            toggle = _button("pause", labels.pause, r.id)
        reply = Reply(text, choices=(toggle, _button("show", r.name, r.id), back))
        effect = SetRelationshipPaused(relationship_id=r.id, paused=paused)
        return StepResult(replies=(reply,), effects=(effect,), keep_state=True)

    def _remove_question(self, turn: Turn, relationship: RelationshipView) -> StepResult:
        words = turn.content.plan
        r = relationship
        count = sum(1 for c in turn.reads.checkins() if c.relationship_id == r.id)
        text = words.detail.remove_question.format(name=r.name, count=count)
        choices = (
            _button("remove-confirm", words.labels.remove_confirm, r.id, style="danger"),
            _button("show", words.labels.keep, r.id),
        )
        return reply_only(Reply(text, choices=choices))

    def _remove(self, turn: Turn, relationship: RelationshipView) -> StepResult:
        words = turn.content.plan
        reply = Reply(
            words.detail.removed.format(name=relationship.name),
            choices=(_button("start", words.labels.back_to_plan),),
        )
        effect = RemoveRelationship(relationship_id=relationship.id)
        return StepResult(replies=(reply,), effects=(effect,), keep_state=True)

    # ----- maturity --------------------------------------------------------------------------

    def _rate(self, turn: Turn, relationship: RelationshipView) -> StepResult:
        """Step 1: the stages and their end goals, and a button for each score."""
        content = turn.content
        words = content.plan.rating
        lines = [words.intro.format(name=relationship.name)]
        partner = is_partner(content, relationship)
        for stage in content.rubric.stages:
            lines.append(
                words.stage_line.format(stage=stage.name, low=stage.score.min, high=stage.score.max)
            )
            if partner:
                lines.append(
                    words.end_goal.format(goal=stage.entry(relationship.constituency).end_goal)
                )
        scores = tuple(
            _button(
                "score",
                content.plan.labels.score.format(
                    score=score, stage=content.rubric.stage_for_score(score).name
                ),
                f"{relationship.id}/{score}",
            )
            for score in range(1, 11)
        )
        back = _button("show", relationship.name, relationship.id)
        return reply_only(Reply("\n".join(lines), choices=(*scores, back)))

    def _score(self, turn: Turn, argument: str) -> StepResult | None:
        """Step 2: the indicators of the chosen score's stage, as a form."""
        rid, _, score_text = argument.partition("/")
        relationship = self._relationship(turn, rid)
        score = parse_int(score_text)
        if relationship is None or score is None or not 1 <= score <= 10:
            return None
        stage = turn.content.rubric.stage_for_score(score)
        history = turn.reads.ratings(relationship.id)
        previous = next((h.indicators for h in reversed(history) if h.stage_id == stage.id), ())
        form = rating_form(turn, relationship, score, previous)
        retry = _button("score", turn.content.plan.labels.open_form, argument)
        return _with_form(form, retry)

    def _submit_rating(self, turn: Turn) -> StepResult | None:
        rid, _, score_text = turn.inbound.form_context.partition("/")
        relationship = self._relationship(turn, rid)
        score = parse_int(score_text)
        if relationship is None or score is None or not 1 <= score <= 10:
            return None
        content = turn.content
        stage = content.rubric.stage_for_score(score)
        read = read_indicators(turn, relationship, stage)
        if isinstance(read, dict):
            return StepResult(form_errors=FormErrors(read))
        total = len(stage_indicators(content, stage, relationship))
        text = content.plan.rating.saved.format(
            name=relationship.name, score=score, stage=stage.name, ticked=len(read), total=total
        )
        reply = Reply(
            text,
            choices=(
                _button("show", content.plan.labels.show_relationship, relationship.id),
                _button("start", content.plan.labels.back_to_plan),
            ),
        )
        effect = RateMaturity(
            relationship_id=relationship.id, score=score, stage_id=stage.id, indicators=read
        )
        return StepResult(replies=(reply,), effects=(effect,), keep_state=True)

    # ----- action items ----------------------------------------------------------------------

    def _actions(self, turn: Turn) -> StepResult:
        content = turn.content
        words = content.plan.actions
        labels = content.plan.labels
        sheet = content.worksheet.action_plan
        items = turn.reads.action_items(include_done=True)
        open_items = [i for i in items if i.done_at is None]
        cutoff = turn.now - timedelta(days=words.recent_done_days)
        done = sorted(
            (i for i in items if i.done_at is not None and i.done_at >= cutoff),
            key=lambda i: i.done_at or turn.now,
            reverse=True,
        )[:MAX_DONE_SHOWN]
        lines = [words.heading, f"_{sheet.heading} {sheet.instructions}_"]
        if open_items:
            lines += ["", words.open_heading]
            for position, item in enumerate(open_items, start=1):
                template = words.overdue_line if item.due_on < turn.today else words.open_line
                lines.append(
                    template.format(
                        position=position,
                        what=item.what,
                        who=_with_who(content, item),
                        date=day_text(content, item.due_on, today=turn.today),
                    )
                )
        if done:
            lines += ["", words.done_heading]
            lines += [
                words.done_line.format(
                    what=item.what, date=local_date(content, due_date(turn, item.done_at))
                )
                for item in done
                if item.done_at is not None
            ]
        if not open_items and not done:
            lines += ["", words.empty]
        choices = [_button("action-add", labels.add_action, style="primary")]
        if step6_prefill(turn) is not None:
            choices.append(_button("action-import", labels.import_action))
        choices += [
            _button("action", labels.action_item.format(position=n, what=item.what), item.id)
            for n, item in enumerate(open_items[:MAX_ACTION_BUTTONS], start=1)
        ]
        choices.append(_button("start", labels.back_to_plan))
        return reply_only(Reply("\n".join(lines), choices=tuple(choices)))

    def _action_item(self, turn: Turn, item: ActionItemView) -> StepResult:
        content = turn.content
        words = content.plan.actions
        labels = content.plan.labels
        lines = [words.item_heading.format(what=item.what)]
        if item.who:
            lines.append(words.item_who.format(who=item.who))
        day = day_text(content, item.due_on, today=turn.today)
        if item.done_at is not None:
            lines.append(words.item_due.format(date=day))
            lines.append(
                words.item_done.format(date=local_date(content, due_date(turn, item.done_at)))
            )
            toggle = _button("undone", labels.not_done, item.id)
        else:
            overdue = item.due_on < turn.today
            lines.append((words.item_overdue if overdue else words.item_due).format(date=day))
            toggle = _button("done", labels.mark_done, item.id, style="primary")
        choices = (
            toggle,
            _button("action-edit", labels.edit_action, item.id),
            _button("action-remove", labels.remove_action, item.id),
            _button("actions", labels.back_to_actions),
        )
        return reply_only(Reply("\n".join(lines), choices=choices))

    def _action_add(self, turn: Turn) -> StepResult:
        form = action_form(turn, None)
        return _with_form(form, _button("action-add", turn.content.plan.labels.open_form))

    def _action_import(self, turn: Turn) -> StepResult:
        prefill = step6_prefill(turn)
        if prefill is None:
            return self._actions(turn)
        values, when_hint = prefill
        form = action_form(turn, None, prefill=values, when_hint=when_hint)
        return _with_form(form, _button("action-import", turn.content.plan.labels.open_form))

    def _submit_action(self, turn: Turn) -> StepResult | None:
        context = turn.inbound.form_context
        action_id: int | None = None
        source = "plan"
        if context.startswith(f"{NEW}/"):
            source = TOOLKIT if context == f"{NEW}/{TOOLKIT}" else "plan"
        else:
            action_id = _id(context)
            existing = turn.reads.action_item(action_id) if action_id is not None else None
            if existing is None:
                return None
            source = existing.source
        read = read_action(turn, action_id, source)
        if isinstance(read, dict):
            return StepResult(form_errors=FormErrors(read))
        return self._action_saved(turn, read)

    def _action_saved(self, turn: Turn, saved: SaveActionItem) -> StepResult:
        content = turn.content
        words = content.plan.actions
        labels = content.plan.labels
        template = words.saved_new if saved.action_id is None else words.saved_edit
        text = template.format(
            what=saved.what, date=day_text(content, saved.due_on, today=turn.today)
        )
        choices = (
            _button("action-add", labels.add_action),
            _button("actions", labels.back_to_actions),
        )
        return StepResult(
            replies=(Reply(text, choices=choices),), effects=(saved,), keep_state=True
        )

    def _set_done(self, turn: Turn, item: ActionItemView, *, done: bool) -> StepResult:
        content = turn.content
        words = content.plan.actions
        labels = content.plan.labels
        back = _button("actions", labels.back_to_actions)
        if (item.done_at is not None) == done:
            text = (words.already_done if done else words.already_open).format(what=item.what)
            return reply_only(Reply(text, choices=(back,)))
        if done:
            text = words.done.format(what=item.what)
            choices = (_button("undone", labels.undo_done, item.id), back)
        else:
            date = day_text(content, item.due_on, today=turn.today)
            text = words.undone.format(what=item.what, date=date)
            choices = (_button("done", labels.mark_done, item.id), back)
        effect = SetActionDone(action_id=item.id, done=done)
        return StepResult(
            replies=(Reply(text, choices=choices),), effects=(effect,), keep_state=True
        )

    def _action_remove_question(self, turn: Turn, item: ActionItemView) -> StepResult:
        words = turn.content.plan
        choices = (
            _button("action-remove-confirm", words.labels.remove_action_confirm, item.id, "danger"),
            _button("action", words.labels.keep, item.id),
        )
        text = words.actions.remove_question.format(what=item.what)
        return reply_only(Reply(text, choices=choices))

    def _action_remove(self, turn: Turn, item: ActionItemView) -> StepResult:
        words = turn.content.plan
        reply = Reply(
            words.actions.removed.format(what=item.what),
            choices=(_button("actions", words.labels.back_to_actions),),
        )
        effect = RemoveActionItem(action_id=item.id)
        return StepResult(replies=(reply,), effects=(effect,), keep_state=True)

    # ----- nudge settings --------------------------------------------------------------------

    def _settings(self, turn: Turn) -> StepResult:
        form = settings_form(turn, turn.reads.nudge_settings())
        return _with_form(form, _button("settings", turn.content.plan.labels.open_form))

    def _submit_settings(self, turn: Turn) -> StepResult:
        read = read_settings(turn)
        if isinstance(read, dict):
            return StepResult(form_errors=FormErrors(read))
        content = turn.content
        summary = settings_summary(
            content,
            days=read.work_days,
            start_minute=read.start_minute,
            end_minute=read.end_minute,
            mode=read.nudge_mode,
            balance=read.balance_summary,
        )
        reply = Reply(
            content.plan.settings.saved.format(summary=summary),
            choices=(_button("start", content.plan.labels.back_to_plan),),
        )
        return StepResult(replies=(reply,), effects=(read,), keep_state=True)


# ----- pieces of the views -------------------------------------------------------------------


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _goal_lines(turn: Turn) -> list[str]:
    plan = turn.reads.plan()
    if plan is None:
        return []
    content = turn.content
    words = content.plan.overview
    sheet = content.worksheet
    prompts = [p.text for p in sheet.goals.prompts] + [p.text for p in sheet.whats_working.prompts]
    answers = (plan.personal_goals, plan.team_goals, plan.working_well, plan.could_improve)
    lines = [
        words.goal_line.format(label=label, text=answer)
        for label, answer in zip(prompts, answers, strict=True)
        if answer
    ]
    return [words.goals_heading, *lines] if lines else []


def _grouped(
    content: Content, relationships: list[RelationshipView]
) -> list[tuple[str, list[RelationshipView]]]:
    """The relationships under their constituencies, in the worksheet's order, then the
    rubric's partner kinds, then the person's own labels."""
    order = [c.id for c in content.worksheet.constituencies()]
    order += [k.id for k in content.rubric.partner_kinds]
    groups: dict[str, list[RelationshipView]] = {}
    headings: dict[str, str] = {}
    for r in relationships:
        if r.constituency == OTHER:
            key = f"{OTHER}:{(r.constituency_label or '').casefold()}"
        else:
            key = r.constituency
        groups.setdefault(key, []).append(r)
        headings.setdefault(key, group_name(content, r.constituency, r.constituency_label))

    def position(key: str) -> tuple[int, str]:
        return (order.index(key), "") if key in order else (len(order), key)

    return [(headings[key], groups[key]) for key in sorted(groups, key=position)]


def _relationship_line(turn: Turn, r: RelationshipView) -> str:
    content = turn.content
    words = content.plan.overview
    details = [cadence_text(content, r.cadence, r.cadence_days)]
    if r.paused:
        details.append(words.paused)
    elif r.next_due_at is not None:
        if r.next_due_at <= turn.now:
            details.append(words.due_now)
        else:
            details.append(words.next_due.format(date=_due_text(turn, r.next_due_at)))
    if r.rating is not None:
        stage = _stage_name(content, r.rating.stage_id)
        details.append(words.stage.format(stage=stage, score=r.rating.score))
    details_text = words.detail_separator.join(details)
    if r.constituency == SELF:  # "Myself (a person)" says nothing: no kind for yourself
        return words.relationship_line_self.format(name=r.name, details=details_text)
    return words.relationship_line.format(
        name=r.name,
        kind=content.plan.kinds.words.get(r.kind, r.kind),
        details=details_text,
    )


def _due_text(turn: Turn, due: datetime) -> str:
    """A relationship's next due day, worded as on every other surface (bot.flows.wording)."""
    time_zone = turn.reads.nudge_settings().time_zone
    return due_text(turn.content, due, time_zone=time_zone, today=turn.today)


def _stage_name(content: Content, stage_id: str) -> str:
    try:
        return content.rubric.stage(stage_id).name
    except KeyError:
        return stage_id


def _rating_lines(turn: Turn, relationship: RelationshipView) -> list[str]:
    history = turn.reads.ratings(relationship.id)
    if not history:
        return []
    content = turn.content
    words = content.plan.detail
    lines = ["", words.ratings_heading]
    for rating in history:
        total = 0
        try:
            stage = content.rubric.stage(rating.stage_id)
            total = len(stage_indicators(content, stage, relationship))
        except KeyError:
            pass
        lines.append(
            words.rating_line.format(
                date=local_date(content, due_date(turn, rating.rated_at)),
                score=rating.score,
                stage=_stage_name(content, rating.stage_id),
                ticked=len(rating.indicators),
                total=total,
            )
        )
    latest = history[-1]
    texts = _indicator_texts(content)
    if latest.indicators:
        lines.append(words.ticked_heading)
        lines += [words.ticked_line.format(text=texts.get(i, i)) for i in latest.indicators]
    return lines


def _indicator_texts(content: Content) -> dict[str, str]:
    return {
        indicator.id: indicator.text
        for stage in content.rubric.stages
        for entry in stage.entries
        for indicator in entry.indicators
    }


def _with_who(content: Content, item: ActionItemView) -> str:
    return content.plan.actions.with_who.format(who=item.who) if item.who else ""


def due_now(turn: Turn) -> StepResult:
    """Every nudge and action reminder due now, for a surface the worker cannot reach (the
    terminal shows them when a chat starts); nothing at all when nothing is due. Someone who
    chose a digest gets the digest, once it is due, instead of one nudge each."""
    replies: list[Reply] = []
    due_relationships = [
        r
        for r in turn.reads.relationships()
        if not r.paused and r.next_due_at is not None and r.next_due_at <= turn.now
    ]
    lasts: dict[int, CheckInView] = {}
    for relationship in due_relationships:
        last = turn.reads.recent_checkins(relationship.id, limit=1)
        if last:
            lasts[relationship.id] = last[0]
    settings = turn.reads.nudge_settings()
    effects: tuple[DigestShown, ...] = ()
    if settings.nudge_mode != "each":
        digest_at = settings.digest_due_at
        if digest_at is not None and digest_at <= turn.now:
            replies += digest_replies(
                turn.content,
                due_relationships,
                lasts,
                now=turn.now,
                today=turn.today,
                time_zone=settings.time_zone,
            )
            effects = (DigestShown(),)
    else:
        for relationship in due_relationships:
            replies += nudge_replies(
                turn.content,
                relationship,
                lasts.get(relationship.id),
                now=turn.now,
                today=turn.today,
                time_zone=settings.time_zone,
            )
    for item in turn.reads.action_items(include_done=False):
        if item.due_on <= turn.today:
            replies += action_reminder_replies(turn.content, item, today=turn.today)
    return StepResult(replies=tuple(replies), effects=effects, keep_state=True)


def action_reminder_replies(
    content: Content, item: ActionItemView, *, today: date
) -> tuple[Reply, ...]:
    """The reminder of an action item that is due: what, with whom, since when; mark it done."""
    words = content.plan.actions
    who = _with_who(content, item)
    if item.due_on < today:
        text = words.reminder_overdue.format(
            what=item.what, who=who, date=day_text(content, item.due_on, today=today)
        )
    else:
        text = words.reminder_due_today.format(what=item.what, who=who)
    labels = content.plan.labels
    choices = (
        _button("done", labels.mark_done, item.id, style="primary"),
        _button("actions", labels.back_to_actions),
    )
    return (Reply(text, choices=choices),)
