"""Self-assessment content: resolves from and covers the sources; a broken ref names its field."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from content import Content, ContentError, load_content
from content.assessment import (
    ASSESSMENT_IDS,
    LABEL_MAX,
    AssessmentError,
    AssessmentText,
    ResolvedAssessment,
    ResolvedItem,
    resolve_assessments,
)
from content.loader import DATA_DIR

SEEDS_DIR = Path(__file__).resolve().parents[2] / "docs" / "sources"
MODAL_TITLE_MAX = 24

# The ids people's ratings are stored under: changing one orphans stored answers, so this list
# changes only on purpose (with a migration of the stored ids).
STORED_IDS = {
    "leadership": [
        f"abilities/{ability}/{half}"
        for ability in ("engagement", "convening", "sharing", "collaboration", "advocating")
        for half in ("individuals", "neighborhoods-and-communities")
    ]
    + [
        "values/learning-and-literacy",
        "values/stewardship-and-integrity",
        "values/stewardship-and-integrity/paradox",
        "values/respect-and-civility",
        "values/respect-and-civility/paradox",
        "values/inclusion-and-equity",
        "values/service-and-privacy",
        "values/service-and-privacy/paradox",
        "values/information-and-truth",
    ],
    "competencies": [
        "competencies/self-awareness",
        "competencies/influence",
        "competencies/communicating-effectively",
        "competencies/learning-agility",
        "competencies/collaboration",
        "competencies/thinking-and-acting-strategically",
        "competencies/developing-others",
        "competencies/innovation-embrace-risk-taking",
        "competencies/navigating-ambiguity",
        "competencies/acting-systemically",
        "competencies/influencing",
        "competencies/leading-change",
        "competencies/effective-decision-making",
    ],
    "community-engagement": [
        "stage/local-government",
        "stage/dei-community-leaders",
        "stage/science-issue-leaders",
    ],
}


def resolve(content: Content, text: AssessmentText | None = None) -> tuple[ResolvedAssessment, ...]:
    return resolve_assessments(
        text or content.assessment,
        leadership=content.leadership,
        competencies=content.competencies,
        rubric=content.rubric,
        toolkit=content.toolkit,
        worksheet=content.worksheet,
    )


def by_id(content: Content) -> dict[str, ResolvedAssessment]:
    return {assessment.id: assessment for assessment in resolve(content)}


def items(assessments: tuple[ResolvedAssessment, ...]) -> Iterator[ResolvedItem]:
    for assessment in assessments:
        yield from assessment.items


def missing_from(content: Content, assessments: tuple[ResolvedAssessment, ...]) -> list[str]:
    """Every source item (derived from the loaded sources) that no assessment shows."""
    shown = {item.id: item for item in items(assessments)}
    everything = "\n".join(
        "\n".join([item.label, item.question, item.anchor, item.detail or "", item.context or ""])
        + "\n".join(p.label for p in item.scale.points)
        for item in shown.values()
    )
    missing: list[str] = []
    halves = content.leadership.leaders_work.halves
    for ability in content.leadership.abilities():
        for half in halves:
            item = shown.get(f"abilities/{ability.id}/{half.id}")
            if item is None or item.anchor != ability.definition or half.name not in item.label:
                missing.append(f"ability {ability.id} for {half.id}")
                continue
            # Each half's description and "My work with" items come with its questions.
            context = item.context or ""
            for text in (half.description, half.items_heading, *half.items):
                if text not in context:
                    missing.append(f"{half.id} text {text[:30]!r} with {ability.id}")
    for pair in content.leadership.value_pairs():
        item = shown.get(f"values/{pair.id}")
        if item is None or pair.name not in item.label:
            missing.append(f"pair {pair.id}")
            continue
        for term in pair.terms:
            if f"{term.name}: {term.description}" not in item.anchor:
                missing.append(f"term {term.id}")
        if pair.paradox is not None and pair.paradox not in item.anchor:
            missing.append(f"paradox note of {pair.id}")
        position = shown.get(f"values/{pair.id}/paradox")
        if pair.is_paradox != (position is not None):
            missing.append(f"position of {pair.id}")
        elif position is not None:
            labels = [p.label for p in position.scale.points]
            if not all(any(term.name in label for label in labels) for term in pair.terms):
                missing.append(f"terms on the position scale of {pair.id}")
    for competency in content.competencies.competencies():
        item = shown.get(f"competencies/{competency.id}")
        if item is None or competency.name not in item.label:
            missing.append(f"competency {competency.id}")
        elif competency.definition is not None and item.anchor != competency.definition:
            missing.append(f"definition of {competency.id}")
    for kind in content.rubric.partner_kinds:
        item = shown.get(f"stage/{kind.id}")
        if item is None:
            missing.append(f"partner kind {kind.id}")
            continue
        for stage in content.rubric.stages:
            entry = stage.entry(kind.id)
            resolved = next((s for s in item.stages if s.id == stage.id), None)
            if resolved is None or resolved.end_goal != entry.end_goal:
                missing.append(f"stage {stage.id} of {kind.id}")
                continue
            offered = {(i.id, i.text) for i in resolved.indicators}
            missing += [
                f"indicator {i.id}" for i in entry.indicators if (i.id, i.text) not in offered
            ]
    assert everything  # every piece above was looked up in a resolved item
    return missing


# --- the packaged content ------------------------------------------------------------------


def test_loads_with_the_other_content(content: Content) -> None:
    assert isinstance(content.assessment, AssessmentText)
    assert tuple(a.id for a in resolve(content)) == ASSESSMENT_IDS


def test_stored_item_ids_are_stable(content: Content) -> None:
    resolved = by_id(content)
    assert {key: [item.id for item in a.items] for key, a in resolved.items()} == STORED_IDS


def test_every_source_item_appears_in_an_assessment(content: Content) -> None:
    assert missing_from(content, resolve(content)) == []


def test_the_coverage_check_can_fail(content: Content) -> None:
    text = content.assessment
    trimmed = text.model_copy(
        update={
            "leadership": text.leadership.model_copy(
                update={"abilities": text.leadership.abilities[:-1]}
            ),
            "competencies": text.competencies.model_copy(
                update={"competencies": text.competencies.competencies[1:]}
            ),
            "links": text.links.model_copy(
                update={
                    "abilities": {
                        k: v for k, v in text.links.abilities.items() if k != "advocating"
                    },
                    "competencies": {
                        k: v for k, v in text.links.competencies.items() if k != "self-awareness"
                    },
                }
            ),
        }
    )
    missing = missing_from(content, resolve(content, trimmed))
    assert missing == [
        "ability advocating for individuals",
        "ability advocating for neighborhoods-and-communities",
        "competency self-awareness",
    ]


def test_the_coverage_check_misses_a_half_s_items(content: Content) -> None:
    text = content.assessment
    without_items = text.model_copy(
        update={
            "leadership": text.leadership.model_copy(
                update={"half_context": "*{half}*: {description}"}
            )
        }
    )
    missing = missing_from(content, resolve(content, without_items))
    halves = content.leadership.leaders_work.halves
    per_ability = sum(1 + len(half.items) for half in halves)  # the heading and each item
    assert len(missing) == per_ability * len(content.leadership.abilities())
    assert all(" text " in entry for entry in missing)


def test_item_counts(content: Content) -> None:
    leadership = content.leadership
    counts = {key: len(a.items) for key, a in by_id(content).items()}
    abilities = len(leadership.abilities()) * len(leadership.leaders_work.halves)
    assert abilities == 10
    assert counts == {
        "leadership": abilities + len(leadership.value_pairs()) + len(leadership.paradox_pairs()),
        "competencies": len(content.competencies.competencies()),
        "community-engagement": len(content.rubric.partner_kinds),
    }
    assert counts == {"leadership": 19, "competencies": 13, "community-engagement": 3}


# --- cross-checked against the seeds -------------------------------------------------------


def seed(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())


def test_abilities_and_pairs_match_seed_000(content: Content) -> None:
    text = seed("000_13dd0ef653527af8.txt")
    abilities = re.findall(r"^\d+\. (\w+) allows us", text, flags=re.M)
    pairs = re.findall(r"^(\w+) \+ (\w+)", text, flags=re.M)
    paradoxes = re.findall(r"^(\w+) \+ (\w+) \(paradox", text, flags=re.M)
    terms = re.findall(r"^· (\w+): ", text, flags=re.M)
    assert (len(abilities), len(pairs), len(paradoxes), len(terms)) == (5, 6, 3, 12)

    leadership = by_id(content)["leadership"]
    ratings = [item for item in leadership.items if item.kind == "rating"]
    positions = [item for item in leadership.items if item.kind == "position"]
    # "A Leader's Work": Individuals, and Neighborhoods and Communities, each a heading line.
    halves = [h.name for h in content.leadership.leaders_work.halves]
    assert all(re.search(rf"^{h}\s*$", text, flags=re.M) for h in halves)
    assert [item.label for item in ratings[: len(abilities) * 2]] == [
        f"{ability}: {half}" for ability in abilities for half in halves
    ]
    assert [item.label for item in ratings[len(abilities) * 2 :]] == [
        f"{a} + {b}" for a, b in pairs
    ]
    assert [item.label for item in positions] == [f"{a} + {b}: where I sit" for a, b in paradoxes]
    anchors = "\n".join(item.anchor for item in ratings)
    assert all(f"{term}: " in anchors for term in terms)


def test_competencies_match_seed_001(content: Content) -> None:
    text = seed("001_dbcc0a6c0cbb5c4c.txt")
    core = re.findall(r"•\s*([A-Z][\w-]*(?: [A-Z]\w*)*): ", text)
    ldia_list = text.split("Competencies from LDIA report", 1)[1].split("\t", 1)[0]
    ldia = [name.strip().rstrip(".") for name in ldia_list.split("•") if name.strip()]
    assert (len(core), len(ldia)) == (4, 9)

    competencies = by_id(content)["competencies"]
    assert [item.label for item in competencies.items] == core + ldia
    for item in competencies.items[: len(core)]:
        assert f"{item.label}: {item.anchor}" in squash(text)
    no_definition = content.assessment.competencies.no_definition
    assert all(item.anchor == no_definition for item in competencies.items[len(core) :])


def test_every_indicator_of_seed_002_can_be_ticked(content: Content) -> None:
    text = seed("002_53a3f89ee67ecbbf.txt")
    indicators = [squash(t) for t in re.findall(r"•[ \t]*(\S[^•<\n]*)", text)]
    assert len(indicators) == 25
    offered = [
        squash(indicator.text)
        for item in by_id(content)["community-engagement"].items
        for stage in item.stages
        for indicator in stage.indicators
    ]
    assert sorted(offered) == sorted(indicators)
    stages = re.findall(r"(Aware|Intentional|Purposeful) \((\d+)-(\d+)\)", text)
    item = by_id(content)["community-engagement"].items[0]
    assert [(s.name, str(s.low), str(s.high)) for s in item.stages] == stages


# --- how each kind of item reads ------------------------------------------------------------


def test_ability_items_are_anchored_on_the_source(content: Content) -> None:
    leadership = by_id(content)["leadership"]
    engagement = content.leadership.ability("engagement")
    item = leadership.item("abilities/engagement/neighborhoods-and-communities")
    assert item.anchor == engagement.definition
    assert item.detail == engagement.detail
    # Shown under the questions: the definition and detail under the first half's; under the
    # second's, what differs rather than the same words again.
    first = leadership.item("abilities/engagement/individuals")
    assert first.hint == f"{engagement.definition} {engagement.detail}"
    assert item.hint == (
        "Engagement, as described just above, now in your work with Neighborhoods and Communities."
    )
    half = content.leadership.half("neighborhoods-and-communities")
    assert item.context is not None
    assert item.context.splitlines() == [
        f"*{half.name}*: {half.description}",
        half.items_heading,
        *[f"• {text}" for text in half.items],
    ]
    assert item.group == "How We Lead"
    assert item.question == (
        "How well do you practise Engagement in your work with Neighborhoods and Communities?"
    )
    assert [p.value for p in item.scale.points] == [1, 2, 3, 4, 5]
    assert item.scale.point(1).label == "1 — Not yet"
    assert item.scale.point(5).label == "5 — A strength I lean on"
    with pytest.raises(ValueError, match="1-5"):
        item.scale.point(6)


def test_pairs_and_paradox_positions(content: Content) -> None:
    leadership = by_id(content)["leadership"]
    pair = leadership.item("values/service-and-privacy")
    assert pair.kind == "rating"
    assert pair.group == "Values"
    assert pair.anchor.splitlines() == [
        "Service: support policies and practices that make the library’s resources easy to "
        "access and use",
        "Privacy: support policies and practices that ensures each patron’s privacy: their own "
        "information and the library resources they access",
        "(paradox: do both simultaneously to resolve tension)",
    ]
    position = leadership.item("values/service-and-privacy/paradox")
    assert position.kind == "position"
    assert not position.charted
    assert position.area == pair.area
    assert [p.label for p in position.scale.points] == [
        "Mostly Service",
        "Leaning to Service",
        "Both at once",
        "Leaning to Privacy",
        "Mostly Privacy",
    ]
    assert "Service and Privacy" in position.question
    # Pairs the source does not mark as a paradox are rated but have no position.
    with pytest.raises(KeyError):
        leadership.item("values/inclusion-and-equity/paradox")
    assert leadership.item("values/learning-and-literacy").group == "Core Responsibilities"
    assert len(leadership.charted_items()) == 16


def test_stage_items_offer_the_rubric(content: Content) -> None:
    item = by_id(content)["community-engagement"].item("stage/dei-community-leaders")
    rubric = content.rubric
    assert item.label == "DEI community leaders"
    assert [p.value for p in item.scale.points] == list(range(1, 11))
    assert item.scale.point(4).label == "4 — Aware"
    assert item.scale.point(5).label == "5 — Intentional"
    for score in range(1, 11):
        assert item.stage_for(score).id == rubric.stage_for_score(score).id
    with pytest.raises(ValueError, match="no stage"):
        item.stage_for(11)
    aware, intentional, purposeful = item.stages
    assert aware.next_stage == "intentional"
    assert aware.way_forward == (
        "Next, Intentional: "
        + rubric.entry("intentional", "dei-community-leaders").end_goal  # the next stage's goal
    )
    assert intentional.way_forward.endswith(
        rubric.entry("purposeful", "dei-community-leaders").end_goal
    )
    assert purposeful.next_stage is None
    assert purposeful.end_goal in purposeful.way_forward
    assert [i.id for i in aware.indicators] == [
        "aware-dei-community-leaders-1",
        "aware-dei-community-leaders-2",
    ]
    assert item.anchor.splitlines()[0].startswith("Aware (1-4): Relationship between library")


# --- growth links ----------------------------------------------------------------------------


def test_every_area_links_to_a_prompt_and_to_work(content: Content) -> None:
    step_ids = {step.id for step in content.toolkit.steps}
    for item in items(resolve(content)):
        link = item.link
        assert link.prompts, item.id
        source, about = link.prompt_ref.split("/")
        model = content.leadership if source == "leadership" else content.competencies
        assert link.prompts == model.prompts_about(about)
        assert link.step is not None or link.strategy is not None, item.id
        if link.step is not None:
            assert link.step in step_ids
            assert link.step_label is not None
            assert content.toolkit.step(link.step).name in link.step_label
        if link.strategy is not None:
            assert link.strategy_label is not None
    resolved = by_id(content)
    engagement = resolved["leadership"].item("abilities/engagement/individuals").link
    assert engagement.prompts == content.leadership.prompts_about("engagement")
    assert engagement.step_label == "Toolkit Step 4: Interview"
    developing = resolved["competencies"].item("competencies/developing-others").link
    assert (developing.step, developing.strategy) == (None, "staff")
    assert developing.strategy_label == "Add to your plan: Staff"  # capitalised: it starts it
    assert developing.strategy_name == "Staff"
    local = resolved["community-engagement"].item("stage/local-government").link
    assert local.strategy_label == "Add to your plan: Local govt"


def test_an_ability_s_two_items_share_its_link(content: Content) -> None:
    leadership = by_id(content)["leadership"]
    individuals = leadership.item("abilities/sharing/individuals")
    communities = leadership.item("abilities/sharing/neighborhoods-and-communities")
    assert individuals.area == communities.area == "abilities/sharing"
    assert individuals.link == communities.link


# --- limits ------------------------------------------------------------------------------------


def test_hints_are_one_line_without_markup(content: Content) -> None:
    """The terminal sets a hint in italics (_..._), which neither spans lines nor nests."""
    for item in items(resolve(content)):
        assert item.hint, item.id
        assert "\n" not in item.hint, item.id
        assert not set(item.hint) & {"_", "*", "`"}, item.id
        assert len(item.hint) <= 2000, item.id  # Slack's limit for an input's hint
    pair = by_id(content)["leadership"].item("values/service-and-privacy")
    assert pair.hint == " ".join(pair.anchor.splitlines())
    position = by_id(content)["leadership"].item("values/service-and-privacy/paradox")
    assert position.hint == "paradox: do both simultaneously to resolve tension"


def test_modal_titles_and_labels_fit_slack(content: Content) -> None:
    text = content.assessment
    titles = [
        text.title,
        text.leadership.title,
        text.competencies.title,
        text.community_engagement.title,
        text.buttons.submit,
    ]
    assert all(0 < len(title) <= MODAL_TITLE_MAX for title in titles), titles
    assert all(len(label) <= LABEL_MAX for _, label in text.buttons)
    for item in items(resolve(content)):
        assert len(item.label) <= LABEL_MAX, item.id
        for point in item.scale.points:
            assert len(point.label) <= LABEL_MAX
            assert point.hint is None or len(point.hint) <= LABEL_MAX
        for words in (item.label, item.question, *[p.label for p in item.scale.points]):
            assert not set(words) & {"{", "}"}, words
    assert all(a.button and len(a.button) <= LABEL_MAX for a in resolve(content))


def test_a_long_modal_title_is_refused(content: Content) -> None:
    raw = content.assessment.model_dump()
    raw["leadership"]["title"] = "Leadership abilities and values"  # 31 characters
    with pytest.raises(ValidationError, match="at most 24 characters"):
        AssessmentText.model_validate(raw)


def test_survives_the_loader_s_round_trip(content: Content) -> None:
    assert AssessmentText.model_validate(content.assessment.model_dump()) == content.assessment


# --- broken references stop start-up -------------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    path = folder / "assessment.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """A change that sets `a.b[2].c` (dots and list indexes) to `value`."""
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]

    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for part in parts[:-1]:
            node = node[part]
        node[parts[-1]] = value

    return change


def _drop(path: str, key: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        node: Any = document
        for part in path.split("."):
            node = node[part]
        del node[key]

    return change


RESOLUTION_ERRORS = [
    (
        _set("leadership.abilities[1]", "listening"),
        "leadership.abilities[1]: How We Lead has no ability 'listening'",
    ),
    (
        _set("leadership.work_with[0]", "organizations"),
        "leadership.work_with[0]: A Leader's Work has no half 'organizations'",
    ),
    (
        _set("leadership.values[2]", "respect-and-truth"),
        "leadership.values[2]: the core responsibilities and values have no pair",
    ),
    (
        _set("competencies.competencies[4]", "coaching"),
        "competencies.competencies[4]: the source has no competency 'coaching'",
    ),
    (
        _set("community_engagement.partner_kinds[0]", "school-board"),
        "community_engagement.partner_kinds[0]: the rubric has no partner kind 'school-board'",
    ),
    (_drop("links.abilities", "sharing"), "links.abilities: no link for 'sharing'"),
    (
        _set(
            "links.competencies.self-awarenes",
            {"prompt": "competencies/influence", "step": "step-1"},
        ),
        "links.competencies.self-awarenes: no assessment rates this area",
    ),
    (
        _set("links.abilities.engagement.step", "step-9"),
        "links.abilities.engagement.step: unknown toolkit step 'step-9'",
    ),
    (
        _set("links.values.inclusion-and-equity.strategy", "friends-group"),
        "links.values.inclusion-and-equity.strategy: 'friends-group' is neither",
    ),
    (
        _set("links.partner_kinds.local-government.prompt", "leadership/local-government"),
        "links.partner_kinds.local-government.prompt: leadership.yaml has no reflection prompt "
        "about 'local-government'",
    ),
    (
        _set("leadership.ability_label", "{ability} in my everyday work with {half} " * 2),
        "leadership.ability_label: ",
    ),
    (
        _set(
            "position.points[0].label",
            "{first} first, {second} second, {first} again, then {second} again",
        ),
        "position.points: ",
    ),
]


@pytest.mark.parametrize(("change", "message"), RESOLUTION_ERRORS)
def test_a_broken_reference_names_the_field(
    data: Path, change: Callable[[dict[str, Any]], object], message: str
) -> None:
    edit(data, change)
    with pytest.raises(ContentError) as error:
        load_content(data)
    assert str(error.value).startswith(f"content/data/assessment.yaml: {message}")


SCHEMA_ERRORS = [
    (_set("leadership.abilities[1]", "engagement"), r"leadership\.abilities: .*listed twice"),
    (_set("links.abilities.engagement.prompt", "toolkit/step-1"), r"engagement\.prompt: "),
    (
        _set("links.abilities.engagement", {"prompt": "leadership/engagement"}),
        r"links\.abilities\.engagement: .*toolkit step, a relationship strategy group",
    ),
    (_set("results.area_line", "{area}: {score}"), r"area_line uses unknown placeholders"),
    (_set("rating.points[1].value", 3), r"rating: .*points must be valued \[1, 2, 3, 4, 5\]"),
    (_drop("position", "points"), r"position\.points: Field required"),
    (_set("buttons.submit", "Save these ratings for later"), r"buttons\.submit: "),
    (_set("rating.points[0].hint", "x" * 76), r"rating\.points\[0\]\.hint: "),
]


@pytest.mark.parametrize(("change", "pattern"), SCHEMA_ERRORS)
def test_an_invalid_file_names_the_field(
    data: Path, change: Callable[[dict[str, Any]], object], pattern: str
) -> None:
    edit(data, change)
    with pytest.raises(ContentError, match=rf"assessment\.yaml: .*{pattern}"):
        load_content(data)


def test_an_even_position_scale_has_no_middle(content: Content) -> None:
    raw = content.assessment.model_dump()
    raw["position"]["points"] = raw["position"]["points"][:4]
    with pytest.raises(ValidationError, match="odd number of points"):
        AssessmentText.model_validate(raw)


def test_resolution_errors_carry_the_field(content: Content) -> None:
    text = content.assessment
    broken = text.model_copy(
        update={
            "competencies": text.competencies.model_copy(
                update={"competencies": ("self-awareness", "empathy")}
            )
        }
    )
    with pytest.raises(AssessmentError) as error:
        resolve(content, broken)
    assert error.value.where == "competencies.competencies[1]"
    assert "'empathy'" in error.value.message
