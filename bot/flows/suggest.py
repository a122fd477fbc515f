"""The coach's answer to words typed outside any conversation: keep them, name the relationship
they are about, and point to the passage of the sources closest to them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from bot.core.messages import Choice, InboundKind, Reply
from bot.flows.base import SaveReflection, StepResult, Turn, choice_value, reply_only
from bot.flows.matching import normalise, words
from bot.flows.nudges import NAME_SHOWN, ago, clip, log_named_label
from bot.flows.plan_forms import constituency_name, group_name
from bot.flows.plan_model import RelationshipView
from bot.flows.ranking import Passage, Ranked, index_for
from content import Content

FLOW_ID = "coach"  # the front door keeps the messages waiting for "Keep as a reflection"
KEEP = "keep"
SOURCE = "free_text"  # a reflection kept from a message typed outside any conversation
PENDING_KEPT = 5  # the latest messages whose "Keep" button still works
KEPT_REMEMBERED = 20  # kept ones remembered, so a second tap says so rather than "stale"
PASSAGE_SHOWN = 600  # of a passage's text, in the answer
RELATIONSHIPS_SHOWN = 3
ALIKE = 0.85  # a word of a name this similar (difflib) to a typed word is that word: a typo


@dataclass(frozen=True)
class Recognised:
    """One of the person's relationships a message is about; `role` is the word of the message
    that named its role ("principal") when it is the only relationship it can mean."""

    relationship: RelationshipView
    role: str | None = None


# ----- what the message says --------------------------------------------------------------


def _text_words(text: str) -> list[str]:
    """The message's words, case-folded, each also without a plural "s"."""
    found = words(text)
    return found + [w[:-1] for w in found if len(w) > 3 and w.endswith("s")]


def _contains(text_words: Sequence[str], phrase: str) -> bool:
    wanted = words(phrase)
    size = len(wanted)
    return size > 0 and any(
        list(text_words[i : i + size]) == wanted for i in range(len(text_words) - size + 1)
    )


def _alike(name_word: str, typed: str) -> bool:
    if name_word == typed:
        return True
    return len(name_word) >= 5 and SequenceMatcher(None, name_word, typed).ratio() >= ALIKE


def _by_name(
    content: Content, text_words: Sequence[str], relationships: Sequence[RelationshipView]
) -> list[Recognised]:
    """The relationships at least half of whose own words the message has ("Okafor" names
    "Dr Okafor"), the most fully named first."""
    ignored = {normalise(w) for w in content.coach.suggest.name_ignored_words}
    scored: list[tuple[float, RelationshipView]] = []
    for relationship in relationships:
        own = [w for w in words(relationship.name) if len(w) >= 3 and w not in ignored]
        found = [w for w in own if any(_alike(w, typed) for typed in text_words)]
        if own and found and len(found) / len(own) >= 0.5:
            scored.append((len(found) / len(own), relationship))
    scored.sort(key=lambda pair: -pair[0])
    return [Recognised(relationship) for _, relationship in scored]


def _by_constituency(
    content: Content, text_words: Sequence[str], relationships: Sequence[RelationshipView]
) -> list[Recognised]:
    """The relationships of the constituencies the message's words point to ("my principal":
    the governing authority); the role is named only when it can mean one relationship."""
    found: list[tuple[RelationshipView, str | None]] = []
    for constituency, said in content.coach.suggest.relationship_words.items():
        role = next((p for p in said.people if _contains(text_words, p)), None)
        if role is None and not any(_contains(text_words, p) for p in said.other):
            continue
        found += [(r, role) for r in relationships if r.constituency == constituency]
    # A group of the person's own ("PTA"), named in their words.
    found += [
        (r, None)
        for r in relationships
        if r.constituency_label and _contains(text_words, r.constituency_label)
        if all(r is not f for f, _ in found)
    ]
    if len(found) == 1:
        relationship, role = found[0]
        return [Recognised(relationship, role if relationship.kind == "person" else None)]
    return [Recognised(relationship) for relationship, _ in found]


def recognised(
    content: Content, text: str, relationships: Sequence[RelationshipView]
) -> list[Recognised]:
    """The person's relationships a message is about: named, else by their constituency."""
    text_words = _text_words(text)
    named = _by_name(content, text_words, relationships)
    found = named or _by_constituency(content, text_words, relationships)
    return found[:RELATIONSHIPS_SHOWN]


def is_greeting(content: Content, text: str) -> bool:
    return normalise(text) in {normalise(g) for g in content.coach.suggest.greetings}


def suggestion(content: Content, text: str) -> Ranked | None:
    """The passage closest to the message, when it is close enough to be worth saying."""
    words_ = content.coach.suggest
    ranked = index_for(content).rank(text, limit=1)
    if not ranked:
        return None
    best = ranked[0]
    if best.score < words_.min_score or best.terms < words_.min_terms:
        return None
    return best


def worth_answering(content: Content, text: str) -> bool:
    """Not a greeting, and enough words that say something."""
    if not text.strip() or is_greeting(content, text):
        return False
    return len(index_for(content).words(text)) >= content.coach.suggest.min_words


# ----- what the coach says ---------------------------------------------------------------


def pending_key(text: str) -> str:
    """The name a message waits under for "Keep as a reflection" (the same text, the same key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _kept_so_far(turn: Turn) -> tuple[dict[str, str], list[str]]:
    progress = turn.reads.progress(flow_id=FLOW_ID)
    data: Mapping[str, Any] = progress[1] if progress is not None else {}
    return _pending_and_kept(data)


def _pending_and_kept(data: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    pending = data.get("pending")
    kept = data.get("kept")
    return (
        {str(k): str(v) for k, v in pending.items()} if isinstance(pending, dict) else {},
        [str(k) for k in kept] if isinstance(kept, list) else [],
    )


def _since(turn: Turn, relationship: RelationshipView) -> str:
    words_ = turn.content.coach.suggest
    durations = turn.content.checkin.durations
    last = turn.reads.recent_checkins(relationship.id, limit=1)
    if last:
        return words_.since_last.format(ago=ago(durations, (turn.today - last[0].happened_on).days))
    added = max(0, (turn.now - relationship.created_at).days)
    return words_.never.format(ago=ago(durations, added))


def relationship_line(turn: Turn, found: Recognised) -> str:
    words_ = turn.content.coach.suggest
    relationship = found.relationship
    name = clip(relationship.name, NAME_SHOWN)
    since = _since(turn, relationship)
    if found.role is not None:
        return words_.relationship_role.format(role=found.role, name=name, since=since)
    constituency = constituency_name(turn.content, relationship)
    return words_.relationship_named.format(name=name, constituency=constituency, since=since)


def passage_line(content: Content, passage: Passage) -> tuple[str, Choice | None]:
    """How a passage is said, and the button that opens it where the coach has it."""
    lines = content.coach.suggest.lines
    labels = content.coach.suggest.labels
    if passage.step_id is not None:
        step = content.toolkit.step(passage.step_id)
        number, name = step.number, step.name
        sidebar = step.current_conversation
        if passage.kind == "question":
            question = step.question(passage.ident)
            return lines.question.format(number=number, step=name, text=question.text), Choice(
                choice_value("toolkit", "edit", f"{step.id}/{question.id}"),
                labels.question.format(number=number),
            )
        if passage.kind == "checklist":
            item = next(i for i in step.checklist if i.id == passage.ident)
            intro = clip(step.intro, PASSAGE_SHOWN)
            text = lines.checklist.format(
                number=number, step=name, action=item.action, text=item.text, intro=intro
            )
            return text, Choice(
                choice_value("toolkit", "checklist", step.id),
                labels.checklist.format(number=number),
            )
        if passage.kind == "tip":
            tip = next(t for t in step.tips if t.id == passage.ident)
            title = tip.title or content.coach.labels.tips
            shown = clip(tip.text, PASSAGE_SHOWN)
            return lines.tip.format(number=number, step=name, title=title, text=shown), Choice(
                choice_value("toolkit", "tips", step.id), labels.tip.format(number=number)
            )
        if passage.kind == "think":
            think = next(t for t in sidebar.think_out_loud if t.id == passage.ident)
            text = lines.think.format(
                number=number, step=name, title=sidebar.title, text=think.text
            )
            return text, Choice(
                choice_value("toolkit", "think", step.id), labels.think.format(number=number)
            )
        if passage.kind == "sidebar":
            shown = clip(sidebar.text, PASSAGE_SHOWN)
            text = lines.sidebar.format(number=number, step=name, title=sidebar.title, text=shown)
            return text, Choice(
                choice_value("toolkit", "sidebar", step.id), labels.sidebar.format(number=number)
            )
        text = lines.step.format(
            number=number, step=name, question=step.guiding_question, text=step.intro
        )
        return text, Choice(
            choice_value("toolkit", "open", step.id), labels.step.format(number=number)
        )
    return _source_line(content, passage)


def _source_line(content: Content, passage: Passage) -> tuple[str, Choice | None]:
    lines = content.coach.suggest.lines
    labels = content.coach.suggest.labels
    plan = Choice(choice_value("plan", "start"), labels.your_plan)

    def reflect_on(area: str) -> Choice:
        return Choice(choice_value("reflect", "growth", area), labels.reflect_on_it)

    if passage.kind == "ability":
        ability = next(a for a in content.leadership.how_we_lead.abilities if a.id == passage.ident)
        text = lines.ability.format(name=ability.name, text=ability.definition)
        return text, reflect_on(f"abilities/{ability.id}")
    if passage.kind == "value":
        pair = next(
            p
            for g in content.leadership.our_values.groups
            for p in g.pairs
            if p.id == passage.ident
        )
        said = "; ".join(f"{term.name}: {term.description}" for term in pair.terms)
        return lines.value.format(name=pair.name, text=said), reflect_on(f"values/{pair.id}")
    if passage.kind == "competency":
        competency = next(
            c
            for s in content.competencies.competency_sets
            for c in s.competencies
            if c.id == passage.ident
        )
        prompts = [p.text for p in content.competencies.prompts if p.about == competency.id]
        said = competency.definition or (prompts[0] if prompts else competency.name)
        text = lines.competency.format(name=competency.name, text=said)
        return text, reflect_on(f"competencies/{competency.id}")
    worksheet = content.worksheet
    if passage.kind == "constituency":
        readings = {r.id: r.title for r in worksheet.key_constituencies.readings}
        constituency = next(
            c for c in worksheet.key_constituencies.constituencies if c.id == passage.ident
        )
        titles = "; ".join(readings[i] for i in constituency.readings if i in readings)
        name = group_name(content, constituency.id, None)
        return lines.constituency.format(name=name, text=titles), plan
    if passage.kind == "worksheet":
        for section in (worksheet.whats_working, worksheet.relationship_plan, worksheet.mind_map):
            for prompt in section.prompts:
                if prompt.id == passage.ident:
                    return lines.worksheet.format(heading=section.heading, text=prompt.text), plan
    if passage.kind == "characteristic":
        organisation = worksheet.learning_organization
        item = next(c for c in organisation.characteristics if c.id == passage.ident)
        return lines.characteristic.format(heading=organisation.heading, text=item.text), None
    partners = {kind.id: kind.name for kind in content.rubric.partner_kinds}
    for stage in content.rubric.stages:
        for entry in stage.entries:
            if entry.id == passage.ident:
                partner = partners.get(entry.partner_kind, entry.partner_kind)
                text = lines.rubric.format(stage=stage.name, partner=partner, text=entry.end_goal)
                return text, plan
    raise KeyError(passage.ident)


def answer(turn: Turn) -> StepResult | None:
    """The answer to a message typed outside any conversation; None when it is a greeting, too
    short, or about nothing the coach knows (the welcome answers it then)."""
    content = turn.content
    if turn.inbound.kind is not InboundKind.TEXT:
        return None
    text = turn.inbound.text.strip()
    if not worth_answering(content, text):
        return None
    found = suggestion(content, text)
    about = recognised(content, text, turn.reads.relationships())
    if found is None and not about:
        return None
    words_ = content.coach.suggest
    paragraphs = [words_.lead]
    choices: list[Choice] = []
    if found is not None:
        line, opens = passage_line(content, found.passage)
        paragraphs.append(f"{words_.suggestion_lead}\n{line}")
        if opens is not None:
            choices.append(opens)
    for each in about:
        paragraphs.append(relationship_line(turn, each))
        relationship = each.relationship
        log = choice_value("checkin", "log", str(relationship.id))
        choices.append(Choice(log, log_named_label(content, relationship.name)))
    pending, kept = _kept_so_far(turn)
    limit = content.coach.reflect.max_length
    if len(text) <= limit:
        key = pending_key(text)
        pending.pop(key, None)
        pending[key] = text
        pending = dict(list(pending.items())[-PENDING_KEPT:])
        paragraphs.append(words_.keep_offer)
        choices.insert(0, Choice(choice_value(FLOW_ID, KEEP, key), words_.labels.keep, "primary"))
    else:
        paragraphs.append(words_.too_long_to_keep.format(length=len(text), limit=limit))
    choices.append(Choice(choice_value(FLOW_ID, "start"), words_.labels.more))
    reply = Reply("\n\n".join(paragraphs), choices=tuple(choices))
    return StepResult(replies=(reply,), data={"pending": pending, "kept": kept})


def keep(turn: Turn, key: str) -> StepResult | None:
    """ "Keep as a reflection": exactly the words that were typed, privately, once."""
    pending, kept = _pending_and_kept(turn.data)
    words_ = turn.content.coach.suggest
    text = pending.pop(key, None)
    if text is None:
        if key in kept:
            return reply_only(Reply(words_.already_kept))
        return None  # not one of the latest messages: the button no longer applies
    kept = [*kept, key][-KEPT_REMEMBERED:]
    history = Choice(choice_value("reflect", "history"), turn.content.coach.labels.reflections)
    return StepResult(
        replies=(Reply(words_.kept, quote=text, choices=(history,)),),
        effects=(SaveReflection(text=text, prompt=None, source=SOURCE),),
        data={"pending": pending, "kept": kept},
    )
