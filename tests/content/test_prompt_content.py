"""Weekly team prompts: prompts.yaml loads, its themes resolve from the sources, and a broken
theme stops start-up naming prompts.yaml and the field."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.flows.prompt_bank import prompt_bank
from content import Content, ContentError, load_content
from content.loader import DATA_DIR
from content.prompts import ResolvedTheme, resolve_themes


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit_prompts(folder: Path, change: Callable[[dict[str, Any]], object]) -> None:
    path = folder / "prompts.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def themes(content: Content) -> dict[str, ResolvedTheme]:
    resolved = resolve_themes(
        content.prompts,
        leadership=content.leadership,
        competencies=content.competencies,
        toolkit=content.toolkit,
        worksheet=content.worksheet,
    )
    return {theme.id: theme for theme in resolved}


def index_of(document: dict[str, Any], theme_id: str) -> int:
    return next(i for i, t in enumerate(document["themes"]) if t["id"] == theme_id)


def test_every_kind_of_source_gives_themes(content: Content) -> None:
    kinds = Counter(theme.source for theme in content.prompts.themes)
    assert kinds == {
        "leadership.abilities": len(content.leadership.abilities()),
        "leadership.values": len(content.leadership.value_pairs()),
        "competencies": 4,  # the core set: the LDIA list has names only, no description
        "toolkit.think_out_loud": 3,  # the steps whose sidebar has Think Out Loud questions
        "worksheet.learning_organization": 4,
    }
    assert all(theme.questions for theme in themes(content).values())


def test_names_and_descriptions_come_from_the_source(content: Content) -> None:
    resolved = themes(content)
    convening = content.leadership.ability("convening")
    assert resolved["convening"].name == "Convening"
    assert resolved["convening"].description == convening.definition
    # Convening's questions are the coach's own, for a team's week (`ask`).
    asked = next(theme.ask for theme in content.prompts.themes if theme.id == "convening")
    assert asked
    assert resolved["convening"].questions == asked
    # A theme without `ask` asks the source's reflection prompts about its item.
    edited = content.prompts.model_copy(
        update={
            "themes": tuple(
                theme.model_copy(update={"ask": ()}) for theme in content.prompts.themes
            )
        }
    )
    without_ask = {
        theme.id: theme
        for theme in resolve_themes(
            edited,
            leadership=content.leadership,
            competencies=content.competencies,
            toolkit=content.toolkit,
            worksheet=content.worksheet,
        )
    }
    assert without_ask["convening"].questions == content.leadership.prompts_about("convening")

    pair = resolved["service-and-privacy"]
    assert pair.name == "Service + Privacy"
    for term in content.leadership.value_pair("service-and-privacy").terms:
        assert term.description in pair.description
    assert "paradox" in pair.description

    competency = content.competencies.competency("self-awareness")
    assert resolved["self-awareness"].description == competency.definition

    mindset = content.toolkit.step("step-1").current_conversation
    assert resolved["growth-mindset"].name == mindset.title
    assert mindset.text.startswith(resolved["growth-mindset"].description)
    assert resolved["growth-mindset"].questions == tuple(
        q.text for q in mindset.think_out_loud if q.id in {"s1-tol-3", "s1-tol-4"}
    )

    characteristic = content.worksheet.learning_organization.characteristics[0]
    balancing = resolved["balancing-relationships"]
    assert balancing.name == "Balancing relationships"
    assert balancing.description == characteristic.text
    assert balancing.questions == tuple(
        template.format(theme="Balancing relationships")
        for template in content.prompts.question_templates
    )


def test_the_coachs_words(content: Content) -> None:
    text = content.prompts
    # What happens to replies, and how to remove one, is said plainly.
    assert "kept" in text.privacy_line
    assert "delete" in text.privacy_line
    # The recap takes the form for its count, and names the count when there are several.
    assert text.recap.line(0) == text.recap.none
    assert text.recap.line(1) == text.recap.one
    assert text.recap.line(7) == text.recap.many.format(count=7)
    assert "7" in text.recap.line(7)
    with pytest.raises(ValueError, match="count"):
        text.recap.line(-1)
    assert "Convening" in text.heading.format(theme="Convening")


@pytest.mark.parametrize(
    ("theme_id", "ref"),
    [
        ("convening", "convenings"),
        ("service-and-privacy", "service-and-secrecy"),
        ("self-awareness", "self-aware"),
        ("assets-and-interests", "step-9"),
        ("open-to-change", "closed-to-change"),
    ],
)
def test_a_broken_ref_names_the_file_and_the_field(data: Path, theme_id: str, ref: str) -> None:
    edit_prompts(data, lambda d: d["themes"][index_of(d, theme_id)].update(ref=ref))
    index = index_of(yaml.safe_load((data / "prompts.yaml").read_text()), theme_id)
    with pytest.raises(ContentError) as error:
        load_content(data)
    message = str(error.value)
    assert message.startswith(f"content/data/prompts.yaml: themes[{index}].ref: ")
    assert repr(ref) in message


def test_a_ref_to_something_without_wording_is_refused(data: Path) -> None:
    # An LDIA competency has no definition; step 4's sidebar has no Think Out Loud questions.
    edit_prompts(data, lambda d: d["themes"][index_of(d, "influence")].update(ref="influencing"))
    with pytest.raises(ContentError, match=r"prompts\.yaml: themes\[\d+\]\.ref: .*no definition"):
        load_content(data)
    edit_prompts(data, lambda d: d["themes"][index_of(d, "influence")].update(ref="influence"))
    edit_prompts(data, lambda d: d["themes"][index_of(d, "growth-mindset")].update(ref="step-4"))
    with pytest.raises(ContentError, match=r"themes\[\d+\]\.ref: step 'step-4' has no Think"):
        load_content(data)


def test_an_unknown_think_out_loud_question_is_named(data: Path) -> None:
    def pick(document: dict[str, Any]) -> None:
        document["themes"][index_of(document, "growth-mindset")]["questions"] = ["s1-tol-3", "x"]

    edit_prompts(data, pick)
    with pytest.raises(ContentError, match=r"themes\[\d+\]\.questions\[1\]: .*'x'"):
        load_content(data)


def test_questions_by_id_only_for_think_out_loud(data: Path) -> None:
    edit_prompts(data, lambda d: d["themes"][0].update(questions=["s1-tol-3"], ask=[]))
    with pytest.raises(ContentError, match=r"prompts\.yaml: themes\[0\]: .*toolkit\.think_out"):
        load_content(data)


def test_questions_by_id_and_ask_together_are_refused(data: Path) -> None:
    def both(document: dict[str, Any]) -> None:
        theme = document["themes"][index_of(document, "growth-mindset")]
        theme["ask"] = ["What changed for us this week?"]

    edit_prompts(data, both)
    with pytest.raises(ContentError, match=r"prompts\.yaml: themes\[\d+\]: .*either"):
        load_content(data)


def test_team_questions_speak_of_the_week_not_the_day(content: Content) -> None:
    for theme in themes(content).values():
        for question in theme.questions:
            assert "today" not in question.lower(), (theme.id, question)


def test_an_unknown_source_kind_is_refused(data: Path) -> None:
    edit_prompts(data, lambda d: d["themes"][0].update(source="leadership.hobbies"))
    with pytest.raises(ContentError, match=r"prompts\.yaml: themes\[0\]\.source"):
        load_content(data)


def test_theme_ids_and_refs_are_unique(data: Path) -> None:
    edit_prompts(data, lambda d: d["themes"][1].update(id=d["themes"][0]["id"]))
    with pytest.raises(ContentError, match=r"prompts\.yaml: .*used twice"):
        load_content(data)
    edit_prompts(data, lambda d: d["themes"][1].update(id="again", ref=d["themes"][0]["ref"]))
    with pytest.raises(ContentError, match=r"prompts\.yaml: .*both refer to"):
        load_content(data)


def test_labels_fit_slack_buttons(data: Path) -> None:
    edit_prompts(data, lambda d: d.update(reply_in_thread="Reply " * 20))
    with pytest.raises(ContentError, match=r"prompts\.yaml: reply_in_thread: .*75"):
        load_content(data)


def test_a_long_theme_name_is_refused_for_the_header(data: Path) -> None:
    edit_prompts(data, lambda d: d["themes"][2].update(name="Very long " * 15))
    with pytest.raises(ContentError, match=r"prompts\.yaml: themes\[2\]\.name: .*150"):
        load_content(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(heading="This week: {topic}"), r": .*heading uses"),
        (lambda d: d["recap"].update(many="{n} people replied"), r": recap: .*many uses"),
        (lambda d: d["question_templates"].append("How did {team} do?"), ": question_templates"),
    ],
)
def test_unknown_placeholders_are_refused(
    data: Path, change: Callable[[dict[str, Any]], object], field: str
) -> None:
    edit_prompts(data, change)
    with pytest.raises(ContentError, match=rf"prompts\.yaml{field}.*unknown placeholders"):
        load_content(data)


def test_adding_a_theme_is_a_content_change_only(data: Path, content: Content) -> None:
    def move(document: dict[str, Any]) -> None:
        # Every source item already has a theme, so one is taken out and added back renamed.
        document["themes"] = [t for t in document["themes"] if t["id"] != "influence"]
        document["themes"].append(
            {"id": "inspiring", "source": "competencies", "ref": "influence", "name": "Inspiring"}
        )

    edit_prompts(data, move)
    changed = {p.id: p for p in prompt_bank(load_content(data))}
    assert "influence/1" not in changed
    added = changed["inspiring/1"]
    assert added.theme_name == "Inspiring"
    assert added.description == content.competencies.competency("influence").definition
    assert added.questions == content.competencies.prompts_about("influence")
    assert len(changed) == len(prompt_bank(content))
