"""Content loading: everything validates, and a broken file stops start-up naming file and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content import ContentError, load_content
from content.loader import DATA_DIR


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(folder: Path, name: str, change: object) -> None:
    path = folder / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def test_packaged_content_loads_with_what_the_sources_hold() -> None:
    content = load_content()
    assert len(content.toolkit.steps) == 7
    assert len(content.leadership.abilities()) == 5
    assert len(content.rubric.stages) == 3
    assert len(content.rubric.partner_kinds) == 3
    assert len(content.worksheet.constituencies()) == 5
    assert len(content.reflection_prompt_bank()) >= 20


def test_a_missing_field_names_the_file_and_the_field(data: Path) -> None:
    edit(data, "toolkit.yaml", lambda d: d["steps"][2].pop("guiding_question"))
    with pytest.raises(ContentError) as error:
        load_content(data)
    assert f"{data}/toolkit.yaml" in str(error.value)  # the file it really read
    assert "steps[2].guiding_question" in str(error.value)


def test_a_broken_cross_reference_names_it(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["toolkit"].update(first_step="step-99"))
    with pytest.raises(ContentError, match=r"coach.yaml: toolkit.first_step: unknown step"):
        load_content(data)


def test_an_unknown_prompt_source_is_refused(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["reflect"]["prompt_sources"].append("nowhere.prompts"))
    with pytest.raises(ContentError, match=r"prompt_sources\[\d\]: unknown prompt source"):
        load_content(data)


def test_a_duplicate_id_is_refused(data: Path) -> None:
    def duplicate(document: dict) -> None:  # type: ignore[type-arg]
        questions = document["steps"][0]["reflection_questions"]
        questions[1]["id"] = questions[0]["id"]

    edit(data, "toolkit.yaml", duplicate)
    with pytest.raises(ContentError, match="is used twice"):
        load_content(data)


def test_invalid_yaml_and_missing_files(data: Path) -> None:
    (data / "rubric.yaml").write_text("stages: [unclosed", encoding="utf-8")
    with pytest.raises(ContentError, match=r"rubric\.yaml: not valid YAML"):
        load_content(data)
    (data / "rubric.yaml").unlink()
    with pytest.raises(ContentError, match=r"rubric\.yaml: file is missing"):
        load_content(data)


def test_a_template_without_its_placeholders_is_refused(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["reflect"].update(too_long="Too long."))
    with pytest.raises(ContentError, match="too_long"):
        load_content(data)


def test_a_command_word_must_be_a_declared_slash_command(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["command_words"]["slash"].update(reflect="/reflexion"))
    with pytest.raises(ContentError, match=r"command_words: \['/reflexion'\] not among"):
        load_content(data)


def test_one_word_for_two_commands_is_refused(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["command_words"]["sub"].update(export="plan"))
    with pytest.raises(ContentError, match="plan would name two commands"):
        load_content(data)


def test_a_sub_command_is_one_lower_case_word(data: Path) -> None:
    edit(data, "coach.yaml", lambda d: d["command_words"]["sub"].update(plan="my plan"))
    with pytest.raises(ContentError, match="not one lower-case word"):
        load_content(data)


def test_no_invented_urls() -> None:
    content = load_content()
    resources = [r for s in content.toolkit.steps for i in s.checklist for r in i.resources]
    assert resources
    assert all(r.url is None for r in resources)
    assert content.toolkit.reflection_guide.url is None
