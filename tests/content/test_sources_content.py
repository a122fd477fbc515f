"""The four source documents (seeds 000, 001, 002, 004) as transcribed into content/data.

The expected numbers below were counted by hand in the source documents, so a dropped
ability, value, competency, indicator or checklist item makes a test fail. Every piece of
wording is also checked to occur in its source (reflection prompts excepted).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ValidationError

import content.sources as sources

ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = ROOT / "content"
DATA_DIR = CONTENT_DIR / "data"
SEEDS_DIR = ROOT / "docs" / "sources"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

SEEDS = {
    "leadership": "000_13dd0ef653527af8.txt",
    "competencies": "001_dbcc0a6c0cbb5c4c.txt",
    "rubric": "002_53a3f89ee67ecbbf.txt",
    "worksheet": "004_6247ba433b2d3f80.txt",
}

# --- counted in seed 000 -----------------------------------------------------------------
ABILITIES = ("Engagement", "Convening", "Sharing", "Collaboration", "Advocating")
# "As a library leader, I work –" is followed by two bullets.
COMMITMENTS = 2
# "My work with Individuals –" has 3 bullets; "My work with Neighborhoods and my Community –" 3.
HALVES = (("Individuals", 3), ("Neighborhoods and Communities", 3))
# "Core Responsibilities": Learning + Literacy, Stewardship + Integrity.
CORE_RESPONSIBILITIES = ("Learning + Literacy", "Stewardship + Integrity")
# "Values": four pairs.
VALUES = ("Respect + Civility", "Inclusion + Equity", "Service + Privacy", "Information + Truth")
# Pairs marked "(paradox: do both simultaneously to resolve tension)".
PARADOX_PAIRS = ("Stewardship + Integrity", "Respect + Civility", "Service + Privacy")
# Each pair has two bulleted terms: 6 pairs x 2.
TERMS = 12
# Design notes: linkages (with Step 1 Red, Step 2 Green, Step 3 Blue), matrix, local
# context, assessment.
DESIGN_NOTES = 4
DESIGN_STEPS = ("Red", "Green", "Blue")
# Bullets "·" in the source: 2 commitments + 6 work items + 12 terms.
LEADERSHIP_BULLETS = COMMITMENTS + 3 + 3 + TERMS

# --- counted in seed 001 -----------------------------------------------------------------
INTRO_PARAGRAPHS = 6
SITUATION = 8  # <li> items
INPUTS = 6  # Mentors ... A loose coalition of practitioners ...
ACTIVITIES = 6  # sentences of the Activities cell
PARTICIPATION = 2  # bullets
SHORT_TERM = 2  # bullets before the competencies
MEDIUM_TERM = 7
LONG_TERM = 2
# Core set: Self-Awareness, Influence, Communicating Effectively, Learning Agility (4);
# "Competencies from LDIA report": 9 bullets, Collaboration ... Effective Decision Making.
CORE_COMPETENCIES = ("Self-Awareness", "Influence", "Communicating Effectively", "Learning Agility")
LDIA_COMPETENCIES = (
    "Collaboration",
    "Thinking and Acting Strategically",
    "Developing Others",
    "Innovation/Embrace Risk Taking",
    "Navigating Ambiguity",
    "Acting Systemically",
    "Influencing",
    "Leading Change",
    "Effective Decision Making",
)
COMPETENCIES = 13  # 4 + 9
# Bullets "•" in the source: participation 2 + short term 2 + competencies 4 + 9.
COMPETENCY_BULLETS = PARTICIPATION + SHORT_TERM + COMPETENCIES

# --- counted in seed 002 -----------------------------------------------------------------
STAGES = (
    ("aware", "Aware", 1, 4),
    ("intentional", "Intentional", 5, 7),
    ("purposeful", "Purposeful", 8, 10),
)
PARTNER_KINDS = ("local-government", "dei-community-leaders", "science-issue-leaders")
# Indicators per cell, partner kinds in the order above.
INDICATORS = {"aware": (2, 2, 3), "intentional": (3, 3, 3), "purposeful": (3, 3, 3)}

# --- counted in seed 004 -----------------------------------------------------------------
CONSTITUENCIES = ("governing-authority", "staff", "community", "profession", "self")
READINGS = 8  # the blog-series bullets
CHARACTERISTICS = 4  # learning-organization bullets
# Questions to answer: personal and team goals (2), what's working (2), mind map (1),
# relationship management planning (2).
WORKSHEET_PROMPTS = 7


MODELS: dict[str, type[BaseModel]] = {
    "leadership": sources.LeadershipModel,
    "competencies": sources.CompetencyModel,
    "rubric": sources.EngagementRubric,
    "worksheet": sources.RelationshipWorksheet,
}


def _raw(name: str) -> dict[str, Any]:
    data = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _seed(name: str) -> str:
    return (SEEDS_DIR / SEEDS[name]).read_text(encoding="utf-8")


def _normalise(text: str) -> str:
    """Source text without HTML tags, bullets and runs of whitespace."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("·", " ").replace("•", " ")
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def leadership() -> Any:
    return sources.LeadershipModel.model_validate(_raw("leadership"))


@pytest.fixture(scope="module")
def competencies() -> Any:
    return sources.CompetencyModel.model_validate(_raw("competencies"))


@pytest.fixture(scope="module")
def rubric() -> Any:
    return sources.EngagementRubric.model_validate(_raw("rubric"))


@pytest.fixture(scope="module")
def worksheet() -> Any:
    return sources.RelationshipWorksheet.model_validate(_raw("worksheet"))


# Fields holding ids, references to ids or links rather than wording.
NOT_WORDING = {"id", "about", "partner_kind", "readings", "url"}


def _wording(node: Any) -> Iterator[str]:
    """Every piece of wording in a model, except the reflection prompts written for Lantern."""
    if isinstance(node, sources.ReflectionPrompt):
        return
    if isinstance(node, BaseModel):
        # Where a text was adapted for the chat, the source's own is its source_text.
        adapted = set(getattr(node, "source_text", {}))
        for field in type(node).model_fields:
            if field not in NOT_WORDING and field not in adapted:
                yield from _wording(getattr(node, field))
    elif isinstance(node, dict):
        yield from node.values()
    elif isinstance(node, tuple):
        for item in node:
            yield from _wording(item)
    elif isinstance(node, str):
        yield node


def _ids(node: Any) -> Iterator[str]:
    if isinstance(node, BaseModel):
        ident = getattr(node, "id", None)
        if isinstance(ident, str):
            yield ident
        for field in type(node).model_fields:
            yield from _ids(getattr(node, field))
    elif isinstance(node, tuple):
        for item in node:
            yield from _ids(item)


# --- every file ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MODELS))
def test_file_loads_and_survives_a_round_trip(name: str) -> None:
    model = MODELS[name].model_validate(_raw(name))
    # The loader re-validates model_dump() output, which uses field names, not aliases.
    assert MODELS[name].model_validate(model.model_dump()) == model


@pytest.mark.parametrize("name", list(MODELS))
def test_ids_are_slugs_and_unique(name: str) -> None:
    ids = list(_ids(MODELS[name].model_validate(_raw(name))))
    assert ids
    assert all(SLUG.match(ident) for ident in ids)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("name", list(MODELS))
def test_all_wording_is_verbatim_from_the_source(name: str) -> None:
    source = _normalise(_seed(name))
    model = MODELS[name].model_validate(_raw(name))
    wording = list(_wording(model))
    assert len(wording) > 20
    missing = [text for text in wording if _normalise(text) not in source]
    assert missing == []


@pytest.mark.parametrize("name", list(MODELS))
def test_unknown_keys_are_refused(name: str) -> None:
    raw = _raw(name)
    raw["surprise"] = "typo"
    with pytest.raises(ValidationError):
        MODELS[name].model_validate(raw)


def test_links_are_only_those_in_the_source(worksheet: Any) -> None:
    assert worksheet.url in _seed("worksheet")
    assert all(reading.url is None for reading in worksheet.key_constituencies.readings)


# --- seed 000: leadership ------------------------------------------------------------------


def test_leaders_work(leadership: Any) -> None:
    work = leadership.leaders_work
    assert work.heading == "A Leader’s Work"
    assert len(work.commitments) == COMMITMENTS
    assert tuple((half.name, len(half.items)) for half in work.halves) == HALVES
    assert leadership.half("individuals").items[0] == (
        "Is inclusive, requiring me to meet people where they are, seeking out those whose "
        "voices are not often heard"
    )
    neighborhoods = leadership.half("neighborhoods-and-communities")
    assert neighborhoods.items_heading == "My work with Neighborhoods and my Community –"
    assert neighborhoods.items[2].endswith("bringing about change within and outside of my library")


def test_five_abilities_in_source_order(leadership: Any) -> None:
    abilities = leadership.abilities()
    assert tuple(a.name for a in abilities) == ABILITIES
    assert tuple(a.number for a in abilities) == (1, 2, 3, 4, 5)
    assert tuple(a.id for a in abilities) == tuple(name.lower() for name in ABILITIES)
    for ability in abilities:
        assert ability.definition.startswith(f"{ability.name} allows us to")
    engagement = leadership.ability("engagement")
    assert engagement.detail.startswith(
        "Engagement begins with the skill to discern and use different approaches for how we "
        "listen. Regardless of the approach we use,"
    )
    assert leadership.ability("advocating").detail.endswith(
        "have the political savvy to be truly heard and responded to by others."
    )
    assert engagement.full_text() == f"{engagement.definition}\n\n{engagement.detail}"
    with pytest.raises(KeyError):
        leadership.ability("listening")


def test_core_responsibilities_values_and_paradoxes(leadership: Any) -> None:
    assert leadership.our_values.heading == "With Concern for Our Values"
    core = leadership.group("core-responsibilities")
    values = leadership.group("values")
    assert tuple(p.name for p in core.pairs) == CORE_RESPONSIBILITIES
    assert tuple(p.name for p in values.pairs) == VALUES
    assert tuple(p.name for p in leadership.paradox_pairs()) == PARADOX_PAIRS
    for pair in leadership.paradox_pairs():
        assert pair.paradox == "paradox: do both simultaneously to resolve tension"
    pairs = leadership.value_pairs()
    assert sum(len(p.terms) for p in pairs) == TERMS
    for pair in pairs:
        assert pair.name == " + ".join(term.name for term in pair.terms)
    privacy = leadership.term("privacy")
    assert privacy.description == (
        "support policies and practices that ensures each patron’s privacy: their own "
        "information and the library resources they access"
    )
    assert leadership.value_pair("service-and-privacy").is_paradox
    assert not leadership.value_pair("inclusion-and-equity").is_paradox


def test_bullet_count_matches_the_source(leadership: Any) -> None:
    assert _seed("leadership").count("·") == LEADERSHIP_BULLETS
    work = leadership.leaders_work
    transcribed = len(work.commitments) + sum(len(h.items) for h in work.halves)
    transcribed += sum(len(p.terms) for p in leadership.value_pairs())
    assert transcribed == LEADERSHIP_BULLETS


def test_design_notes(leadership: Any) -> None:
    notes = leadership.design_notes.notes
    assert len(notes) == DESIGN_NOTES
    assert tuple(step.colour for step in notes[0].steps) == DESIGN_STEPS
    assert notes[0].steps[2].meaning == (
        "Information that helps people reason, make decisions, and take action"
    )
    assert notes[1].text == "“A Leader’s Work” and “How We Lead” might become a matrix"
    assert notes[3].text.startswith("Consider possibilities for an assessment")
    assert leadership.key_terms_note == "Key Terms (including from v2.2 are in italics)"


def test_leadership_reflection_prompts(leadership: Any) -> None:
    prompts = leadership.reflection_prompts()
    assert all(isinstance(p, str) and p for p in prompts)
    about = [p.about for p in leadership.prompts]
    for ability in leadership.abilities():
        assert ability.id in about
    for pair in leadership.value_pairs():
        assert pair.id in about
    assert len(prompts) == len(ABILITIES) + len(CORE_RESPONSIBILITIES) + len(VALUES)
    assert leadership.prompts_about("engagement")[0].startswith(
        "Engagement begins with how we listen."
    )


# --- seed 001: competencies ----------------------------------------------------------------


def test_logic_model(competencies: Any) -> None:
    logic = competencies.logic_model
    assert logic.title == "21st Century Library Leadership Training Logic Model"
    assert len(logic.introduction) == INTRO_PARAGRAPHS
    assert len(logic.situation.items) == SITUATION
    assert len(logic.inputs.items) == INPUTS
    assert len(logic.outputs.activities.items) == ACTIVITIES
    assert len(logic.outputs.participation.items) == PARTICIPATION
    outcomes = logic.outcomes
    assert len(outcomes.short_term.items) == SHORT_TERM
    assert len(outcomes.medium_term.items) == MEDIUM_TERM
    assert len(outcomes.long_term.items) == LONG_TERM
    assert (outcomes.short_term.timing, outcomes.medium_term.timing, outcomes.long_term.timing) == (
        "End of Program",
        "Back at Work",
        "After skill practice",
    )
    assert logic.inputs.items[0] == "Mentors"
    assert outcomes.medium_term.items[-1] == (
        "Leaders advocate for the public good their organizations provide."
    )
    assert logic.situation.items[3] == (
        "Corporate organizations (Google, Amazon, etc.) excel at providing services that mimic "
        "the value of CIs but have different ethics."
    )


def test_every_competency(competencies: Any) -> None:
    all_competencies = competencies.competencies()
    assert len(all_competencies) == COMPETENCIES
    core = competencies.competency_set("core-set").competencies
    ldia = competencies.competency_set("ldia")
    assert tuple(c.name for c in core) == CORE_COMPETENCIES
    assert tuple(c.name for c in ldia.competencies) == LDIA_COMPETENCIES
    assert ldia.heading == "Competencies from LDIA report"
    assert all(c.definition for c in core)
    assert all(c.definition is None for c in ldia.competencies)
    assert competencies.competency("self-awareness").definition == (
        "Has an accurate picture of his/her strengths and developmental needs. "
        "Compensates for his/her weaknesses."
    )
    assert competencies.competency("influence").definition == (
        "Inspires and motivates others to take action. Promotes an idea or vision; persuades."
    )


def test_competency_bullet_count_matches_the_source(competencies: Any) -> None:
    assert _seed("competencies").count("•") == COMPETENCY_BULLETS
    logic = competencies.logic_model
    transcribed = len(logic.outputs.participation.items) + len(logic.outcomes.short_term.items)
    transcribed += len(competencies.competencies())
    assert transcribed == COMPETENCY_BULLETS


def test_competency_reflection_prompts(competencies: Any) -> None:
    about = [p.about for p in competencies.prompts]
    assert sorted(about) == sorted(c.id for c in competencies.competencies())
    assert len(competencies.reflection_prompts()) == COMPETENCIES


# --- seed 002: rubric -----------------------------------------------------------------------


def test_stages_and_partner_kinds(rubric: Any) -> None:
    assert tuple((s.id, s.name, s.score.min, s.score.max) for s in rubric.stages) == STAGES
    assert tuple(kind.id for kind in rubric.partner_kinds) == PARTNER_KINDS
    assert rubric.partner_kind("dei-community-leaders").name == "DEI community leaders"


def test_every_cell_and_its_indicators(rubric: Any) -> None:
    for stage in rubric.stages:
        counts = tuple(len(stage.entry(kind).indicators) for kind in PARTNER_KINDS)
        assert counts == INDICATORS[stage.id], stage.id
    total = sum(sum(counts) for counts in INDICATORS.values())
    assert total == 25
    # Bullets followed by text on the same line (one cell ends with an empty bullet).
    assert len(re.findall(r"•[ \t]*\S", _seed("rubric"))) == total
    assert rubric.entry("purposeful", "local-government").end_goal == (
        "Library and City government are fully vested strategic partners"
    )
    assert rubric.entry("intentional", "dei-community-leaders").indicators[1].text == (
        "Committing to leveraging and/or dedicating staff, financial and library space to "
        "address community challenge"
    )
    with pytest.raises(KeyError):
        rubric.entry("aware", "school-leaders")


@pytest.mark.parametrize(
    ("score", "stage"),
    [
        (1, "aware"),
        (4, "aware"),
        (5, "intentional"),
        (7, "intentional"),
        (8, "purposeful"),
        (10, "purposeful"),
    ],
)
def test_stage_for_score(rubric: Any, score: int, stage: str) -> None:
    assert rubric.stage_for_score(score).id == stage


@pytest.mark.parametrize("score", [0, 11, -3])
def test_stage_for_score_out_of_range(rubric: Any, score: int) -> None:
    with pytest.raises(ValueError, match="score must be 1-10"):
        rubric.stage_for_score(score)


# --- seed 004: worksheet --------------------------------------------------------------------


def test_worksheet_framing(worksheet: Any) -> None:
    assert worksheet.title == "Responding to All: Managing Relationships with Key Constituencies"
    assert worksheet.presenters == ("Jamie LaRue", "Sharon Morris")
    assert tuple(p.text for p in worksheet.goals.prompts) == ("Personal Goals", "Team Goals")
    assert worksheet.whats_working.heading == "What’s Working?"
    assert len(worksheet.prompts()) == WORKSHEET_PROMPTS
    assert worksheet.prompt("know-you-are-successful").text == (
        "How do you know you are successful? What ways do you track success?"
    )


def test_five_constituencies(worksheet: Any) -> None:
    assert tuple(c.id for c in worksheet.constituencies()) == CONSTITUENCIES
    assert tuple(c.name for c in worksheet.constituencies()) == (
        "governing authority",
        "staff",
        "community",
        "profession",
        "yourself",
    )
    assert len(worksheet.key_constituencies.readings) == READINGS
    assert tuple(r.title for r in worksheet.readings_for("staff")) == (
        "Managing your relationship with staff: Part I",
        "Managing relationships with your staff: Part II",
    )


def test_learning_organization_and_plans(worksheet: Any) -> None:
    characteristics = worksheet.learning_organization.characteristics
    assert len(characteristics) == CHARACTERISTICS
    assert characteristics[3].text == (
        "Being open to change, with a willingness to create new ideas and knowledge, and a "
        "commitment to continuous improvement."
    )
    assert _seed("worksheet").count("·") == READINGS + CHARACTERISTICS
    assert tuple(c.name for c in worksheet.relationship_plan.columns) == (
        "frequencies",
        "strategies",
        "success measures",
    )
    assert tuple(c.name for c in worksheet.action_plan.columns) == ("next steps", "who", "when")
    assert worksheet.mind_map.prompts[0].text.startswith("Draw your own mindmap")


# --- broken cross-references ----------------------------------------------------------------


def test_leadership_prompt_about_unknown_id_is_refused() -> None:
    raw = _raw("leadership")
    raw["reflection_prompts"][0]["about"] = "listening"
    with pytest.raises(ValidationError, match="unknown id 'listening'"):
        sources.LeadershipModel.model_validate(raw)


def test_competency_prompt_about_unknown_id_is_refused() -> None:
    raw = _raw("competencies")
    raw["reflection_prompts"].append({"about": "charisma", "text": "Were you charming?"})
    with pytest.raises(ValidationError, match="unknown id 'charisma'"):
        sources.CompetencyModel.model_validate(raw)


def test_rubric_cell_naming_unknown_partner_kind_is_refused() -> None:
    raw = _raw("rubric")
    raw["stages"][1]["entries"][2]["partner_kind"] = "school-leaders"
    with pytest.raises(ValidationError, match="unknown partner kinds"):
        sources.EngagementRubric.model_validate(raw)


def test_rubric_stage_missing_a_partner_kind_is_refused() -> None:
    raw = _raw("rubric")
    del raw["stages"][2]["entries"][0]
    with pytest.raises(ValidationError, match="exactly one entry per partner kind"):
        sources.EngagementRubric.model_validate(raw)


@pytest.mark.parametrize(
    ("stage", "bound", "value"),
    [(1, "min", 6), (2, "max", 9), (0, "min", 2)],
)
def test_rubric_scores_must_cover_one_to_ten(stage: int, bound: str, value: int) -> None:
    raw = copy.deepcopy(_raw("rubric"))
    raw["stages"][stage]["score"][bound] = value
    with pytest.raises(ValidationError):
        sources.EngagementRubric.model_validate(raw)


def test_constituency_naming_unknown_reading_is_refused() -> None:
    raw = _raw("worksheet")
    raw["key_constituencies"]["constituencies"][0]["readings"] = ["reading-board"]
    with pytest.raises(ValidationError, match="unknown reading 'reading-board'"):
        sources.RelationshipWorksheet.model_validate(raw)
