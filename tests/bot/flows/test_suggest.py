"""Free text outside any conversation: the coach answers what was written (issue 13, item 8).

Each message below is written from a situation of the sources (content/data, the seeds): a
school librarian before a budget meeting, a director before the board, a branch manager with a
staff conflict, a partnership with the city, burnout, advocacy at a state association... The
passage expected is the one a coach would point to; where two are equally right, both must be
in the top 3 (mode "top3"), otherwise the one expected is first (mode "first")."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.flows import suggest
from bot.flows.ranking import index_for, passages
from content import Content
from storage.database import Database
from storage.models import Person, Reflection
from tests.bot.flows.test_checkin import plant
from tests.chat_script import ChatScript

NERVOUS = "I'm nervous about meeting my principal tomorrow. Any advice?"

FIRST, TOP3 = "first", "top3"

SITUATIONS: list[tuple[str, tuple[str, ...], str]] = [
    # A school librarian before meeting the principal: Step 4's meeting with the building
    # leader, and sharing the questions beforehand, are equally right.
    (NERVOUS, ("s4-meet-leader", "s4-share-questions"), TOP3),
    # A school librarian anxious about a budget meeting: allocating resources (stewardship).
    (
        "Our principal wants to cut the library budget and I have a meeting with her on "
        "Thursday. How do I make the case?",
        ("stewardship-and-integrity",),
        FIRST,
    ),
    # A director preparing a board presentation.
    (
        "I'm preparing a presentation to the library board next month about our strategic plan "
        "and I keep second-guessing my slides.",
        ("communicating-effectively",),
        FIRST,
    ),
    # A branch manager with a staff conflict: civility, and convening's mediation.
    (
        "Two of my branch staff are in open conflict and it is affecting the whole team. How do "
        "I mediate?",
        ("respect-and-civility", "convening"),
        TOP3,
    ),
    # A community partnership with the city, at its very start: the rubric's Aware stage.
    (
        "Our mayor's office asked us to co-lead a climate program with the city. We have never "
        "worked with local government before.",
        ("aware-local-government",),
        FIRST,
    ),
    # Burnout and self-care: Step 1's sidebar on stress, health and a growth mindset.
    (
        "I'm exhausted and close to burnout; I can't remember the last time I took care of myself.",
        ("step-1-sidebar",),
        FIRST,
    ),
    # Advocating at a state association.
    (
        "I'll be advocating at the state library association's legislative day. How can I speak "
        "up for our funding?",
        ("advocating",),
        FIRST,
    ),
    # Research before proposing: Step 3, and Step 4's questions of clarification.
    (
        "I want to understand my district's strategic priorities before I propose anything.",
        ("step-3", "s4-identify-questions"),
        TOP3,
    ),
    # The source's own example of a fixed habit: the spectrum, and how it affects collaboration.
    (
        "I tend to interrupt people when I get excited about an idea, and my colleagues find it "
        "hard to give me feedback.",
        ("s1-q4", "s1-diagram-attributes"),
        TOP3,
    ),
    (
        "What should I put in an email asking my principal for a meeting?",
        ("s4-sample-email",),
        FIRST,
    ),
    # Connecting the dots: strengths aligned with priorities, mapped.
    (
        "I have lots of ideas for collaborating with teachers, but which ones fit our school "
        "priorities?",
        ("s5-q5", "s5-map-connections"),
        TOP3,
    ),
    (
        "Our outreach to racial equity and social justice groups feels shallow; how do we deepen "
        "engagement with them?",
        ("aware-dei-community-leaders",),
        FIRST,
    ),
    (
        "I struggle to make decisions when the information is incomplete and things keep changing.",
        ("effective-decision-making",),
        FIRST,
    ),
    (
        "How do I keep track of whether my relationships with the board and staff are actually "
        "succeeding?",
        ("know-you-are-successful",),
        FIRST,
    ),
    (
        "Our team never shares what we learn from community conversations with each other.",
        ("sharing",),
        FIRST,
    ),
    (
        "I want my staff to grow into leaders themselves. How can I support their development?",
        ("developing-others",),
        FIRST,
    ),
    (
        "Patrons keep asking me for help telling real news from misinformation online.",
        ("information-and-truth",),
        FIRST,
    ),
    (
        "My team talks about being a learning organization but nobody is open to change or new "
        "ideas.",
        ("open-to-change",),
        FIRST,
    ),
    (
        "How do I balance my time between the board, my staff and the community without "
        "neglecting one of them?",
        ("balancing-relationships",),
        FIRST,
    ),
    (
        "We need to agree with the assistant principal on one collaboration project, who moves it "
        "forward, the timeline and the resources we need.",
        ("s6-draw-quadrants",),
        FIRST,
    ),
]


def test_the_table_has_twenty_situations_of_known_passages(content: Content) -> None:
    assert len(SITUATIONS) == 20
    known = {passage.ident for passage in passages(content)}
    for _, expected, _ in SITUATIONS:
        assert set(expected) <= known


@pytest.mark.parametrize(
    ("message", "expected", "mode"), SITUATIONS, ids=[f"{i:02d}" for i in range(1, 21)]
)
def test_each_situation_is_pointed_to_its_passage(
    content: Content, message: str, expected: tuple[str, ...], mode: str
) -> None:
    assert suggest.worth_answering(content, message)
    best = suggest.suggestion(content, message)
    assert best is not None, "ranked below the threshold: the coach would only say welcome"
    top = [r.passage.ident for r in index_for(content).rank(message, limit=3)]
    if mode == FIRST:
        assert best.passage.ident == expected[0], top
    else:
        assert set(expected) <= set(top), top


@pytest.mark.parametrize(
    "message",
    [
        "hello there",
        "Thanks!",
        "good morning",
        "ok",
        "an ordinary message while paused",  # three words, none of them about anything here
        "My cat knocked a glass of water off the kitchen counter this morning and I laughed.",
        "Can you remind me what we talked about last time?",
        "here is our strategic plan",  # two words that say something: too short to answer
    ],
)
def test_greetings_short_and_unmatched_messages_get_the_welcome_as_today(
    chat: ChatScript, content: Content, message: str
) -> None:
    chat.say(message)
    assert chat.text == content.coach.general.welcome
    assert [c.value for c in chat.choices] == [
        "toolkit:start:",
        "reflect:start:",
        "plan:start:",
        "coach:help:",
    ]


def reflections(database: Database) -> list[tuple[str, str, str]]:
    """(whose, text, source) of every stored reflection."""
    with database.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Person.external_id, Reflection.text, Reflection.source)
            .join(Person, Person.id == Reflection.person_id)
            .order_by(Reflection.id)
        )
        return [(who, text, source) for who, text, source in rows]


def test_the_answer_names_the_relationship_and_the_passage_and_offers_to_keep_it(
    chat: ChatScript, content: Content, clock: FixedClock, database: Database
) -> None:
    okafor = plant(chat, "Dr Okafor", constituency="governing-authority")
    chat.command("checkin", "Dr Okafor: budget talk went well")
    clock.advance_to(clock.now() + timedelta(days=12))

    chat.say(NERVOUS)

    words = content.coach.suggest
    assert words.lead in chat.text
    assert "Your principal, *Dr Okafor*: last check-in 12 days ago. Log one?" in chat.text
    step_4 = content.toolkit.step("step-4")
    assert f"Step 4, {step_4.name}" in chat.text
    assert words.keep_offer in chat.text
    values = [c.value for c in chat.choices]
    key = suggest.pending_key(NERVOUS)
    assert values[0] == f"coach:keep:{key}"
    assert f"checkin:log:{okafor}" in values
    assert "toolkit:checklist:step-4" in values
    assert all(len(c.label) <= 75 and len(c.value) <= 2000 for c in chat.choices)
    assert reflections(database) == []  # nothing is a reflection until the person says so

    chat.choose(words.labels.keep)
    assert chat.text == words.kept
    assert chat.replies[0].quote == NERVOUS
    assert reflections(database) == [("U-ana", NERVOUS, "free_text")]

    chat.press(f"coach:keep:{key}")  # a second tap keeps nothing twice
    assert chat.text == words.already_kept
    assert len(reflections(database)) == 1

    chat.say(NERVOUS)
    chat.choose("Log: Dr Okafor")
    assert chat.form is not None
    assert chat.form.context == f"nudge:{okafor}"


def test_the_keep_tap_stores_exactly_the_text_of_its_own_message(
    chat: ChatScript, content: Content, database: Database
) -> None:
    # Longer than a Slack button's value could carry, with markup and spacing of its own.
    long = (
        "  Budget meeting with the principal & the board <tomorrow>:  *not* sure how to advocate.\n"
        + "I keep thinking about our strategic priorities and the library's funding. " * 30
    ).strip()
    assert 2000 < len(long) <= content.coach.reflect.max_length
    chat.say(long)
    keep_long = chat.choices[0]
    chat.say(NERVOUS)
    keep_nervous = chat.choices[0]
    assert keep_long.value != keep_nervous.value

    chat.press(keep_long.value)  # the earlier message's button keeps the earlier message
    assert reflections(database) == [("U-ana", long, "free_text")]
    chat.press(keep_nervous.value)
    assert reflections(database)[-1] == ("U-ana", NERVOUS, "free_text")

    # Reflections are private: another person sees none of them.
    other = ChatScript(chat.engine, user_id="U-ben")
    other.command("coach", "reflections")
    assert other.text == content.coach.reflect.history_empty
    other.press(keep_long.value)  # someone else's button keeps nothing for them
    assert other.text.startswith(content.coach.general.stale_choice)
    assert [who for who, _, _ in reflections(database)] == ["U-ana", "U-ana"]


def test_a_message_too_long_for_a_reflection_is_answered_without_the_offer(
    chat: ChatScript, content: Content
) -> None:
    text = "Our principal wants to cut the library budget. " * 70
    assert len(text.strip()) > content.coach.reflect.max_length
    chat.say(text)
    assert content.coach.suggest.keep_offer not in chat.text
    assert "can't keep it as one" in chat.text
    assert not any(c.value.startswith("coach:keep:") for c in chat.choices)


def test_the_relationship_named_is_the_persons_own(chat: ChatScript, content: Content) -> None:
    theirs = plant(chat, "Dr Okafor", constituency="governing-authority")
    # Another person of the same workspace, and one of another workspace with the same user id.
    ben = ChatScript(chat.engine, user_id="U-ben")
    reyes = plant(ben, "Ms Reyes", constituency="governing-authority")
    elsewhere = ChatScript(chat.engine, workspace_id="T-other")

    ben.say(NERVOUS)
    assert "Your principal, *Ms Reyes*" in ben.text
    assert "Okafor" not in ben.text
    assert f"checkin:log:{reyes}" in [c.value for c in ben.choices]
    assert f"checkin:log:{theirs}" not in [c.value for c in ben.choices]

    elsewhere.say("How is Dr Okafor doing with the budget? I'm nervous about our meeting.")
    assert "Okafor*" not in elsewhere.text  # named in the text, but not in their plan
    assert not any(c.value.startswith("checkin:log:") for c in elsewhere.choices)

    chat.say("Dr Okafor asked for our strategic priorities before the budget meeting.")
    assert "*Dr Okafor* (governing authority): no check-in logged yet" in chat.text
    assert f"checkin:log:{theirs}" in [c.value for c in chat.choices]


def test_a_role_shared_by_several_relationships_names_each_without_guessing(
    chat: ChatScript,
) -> None:
    plant(chat, "Dr Okafor", constituency="governing-authority")
    plant(chat, "Library board", constituency="governing-authority")
    chat.say(NERVOUS)
    assert "Your principal" not in chat.text
    assert "*Dr Okafor* (governing authority)" in chat.text
    assert "*Library board* (governing authority)" in chat.text


def test_a_group_of_the_persons_own_is_recognised_by_its_name_for_it(
    chat: ChatScript, content: Content
) -> None:
    with chat.engine.database.unit_of_work() as uow:
        person = uow.repos.people.get_or_create(
            platform=chat.platform,
            workspace_external_id=chat.workspace_id,
            person_external_id=chat.user_id,
        )
        row = uow.plan.relationships.add(
            person_id=person.id,
            values={
                "name": "Maple Street families",
                "kind": "organisation",
                "constituency": "other",
                "constituency_label": "PTA",
                "cadence": "monthly",
                "cadence_days": None,
                "strategies": None,
                "success_measures": [],
                "paused": False,
            },
            at=chat.engine.clock.now(),
        )
        relationship_id = row.id
    chat.say("The PTA wants the library open on Saturdays and I am not sure the budget allows it.")
    assert "*Maple Street families* (PTA): no check-in logged yet" in chat.text
    assert f"checkin:log:{relationship_id}" in [c.value for c in chat.choices]


def test_a_relationship_alone_is_answered_even_when_no_passage_ranks(
    chat: ChatScript, content: Content
) -> None:
    plant(chat, "Jo Abernathy", constituency="community")
    chat.say("Bumped into Jo Abernathy at the farmers market, lovely chat about tomatoes.")
    assert content.coach.suggest.suggestion_lead not in chat.text
    assert "*Jo Abernathy* (community)" in chat.text
    assert content.coach.suggest.keep_offer in chat.text


def test_the_index_is_built_once_and_answers_fast(content: Content) -> None:
    index = index_for(content)
    assert index_for(content) is index
    started = time.perf_counter()
    for message, _, _ in SITUATIONS:
        index.rank(message)
    assert (time.perf_counter() - started) / len(SITUATIONS) < 0.05


def test_a_message_kept_then_the_welcome_button_still_works(chat: ChatScript) -> None:
    chat.say(NERVOUS)
    chat.choose("What else can you do?")
    assert "Hi, I'm *Lantern*" in chat.text


def test_the_messages_waiting_to_be_kept_are_few(chat: ChatScript, database: Database) -> None:
    sent = [f"{NERVOUS} ({n})" for n in range(suggest.PENDING_KEPT + 2)]
    keys = []
    for message in sent:
        chat.say(message)
        keys.append(chat.choices[0].value)
    chat.press(keys[0])  # the oldest is no longer kept waiting
    assert chat.text.startswith(chat.engine.content.coach.general.stale_choice)
    chat.press(keys[-1])
    assert reflections(database) == [("U-ana", sent[-1], "free_text")]
