"""Loads every YAML file of content/data, validates it, and checks cross-references."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from content.assessment import AssessmentError, AssessmentText, resolve_assessments
from content.balance import BalanceText
from content.base import ContentModel
from content.checkin import CheckInText
from content.coach import CoachText
from content.plan import PlanText
from content.privacy import PrivacyText
from content.prompts import PromptText, ThemeError, resolve_themes
from content.sources import (
    CompetencyModel,
    EngagementRubric,
    LeadershipModel,
    RelationshipWorksheet,
)
from content.toolkit import Toolkit
from content.work import ToolkitWork

DATA_DIR = Path(__file__).parent / "data"


class ContentError(Exception):
    """Content that cannot be used; the message names the file and the field."""


class Content(ContentModel):
    """Everything Lantern says, loaded once at start-up."""

    toolkit: Toolkit
    toolkit_work: ToolkitWork
    leadership: LeadershipModel
    competencies: CompetencyModel
    rubric: EngagementRubric
    worksheet: RelationshipWorksheet
    coach: CoachText
    plan: PlanText
    checkin: CheckInText
    balance: BalanceText
    prompts: PromptText
    assessment: AssessmentText
    privacy: PrivacyText

    def reflection_prompt_bank(self) -> tuple[str, ...]:
        """The questions `/reflect` draws today's prompt from, in a stable order."""
        prompts: list[str] = []
        for ref in self.coach.reflect.prompt_sources:
            prompts.extend(_prompts_from(self, ref))
        return tuple(prompts)


FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "toolkit": ("toolkit.yaml", Toolkit),
    "toolkit_work": ("toolkit_work.yaml", ToolkitWork),
    "leadership": ("leadership.yaml", LeadershipModel),
    "competencies": ("competencies.yaml", CompetencyModel),
    "rubric": ("rubric.yaml", EngagementRubric),
    "worksheet": ("worksheet.yaml", RelationshipWorksheet),
    "coach": ("coach.yaml", CoachText),
    "plan": ("plan.yaml", PlanText),
    "checkin": ("checkin.yaml", CheckInText),
    "balance": ("balance.yaml", BalanceText),
    "prompts": ("prompts.yaml", PromptText),
    "assessment": ("assessment.yaml", AssessmentText),
    "privacy": ("privacy.yaml", PrivacyText),
}


def _format_location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _load_file(directory: Path, name: str, model: type[BaseModel]) -> BaseModel:
    path = directory / name
    shown = f"content/data/{name}" if directory == DATA_DIR else str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(f"{shown}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{shown}: not valid YAML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_format_location(tuple(err['loc']))}: {err['msg']}" for err in exc.errors()
        )
        raise ContentError(f"{shown}: {problems}") from exc


def _ids(node: Any, trail: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, BaseModel):
        ident = getattr(node, "id", None)
        if isinstance(ident, str):
            yield ident, trail
        for field in type(node).model_fields:
            yield from _ids(getattr(node, field), f"{trail}.{field}")
    elif isinstance(node, tuple | list):
        for index, item in enumerate(node):
            yield from _ids(item, f"{trail}[{index}]")


def _check_unique_ids(parts: dict[str, BaseModel]) -> None:
    for key, model in parts.items():
        seen: dict[str, str] = {}
        for ident, trail in _ids(model, ""):
            if ident in seen:
                raise ContentError(
                    f"{FILES[key][0]}: id {ident!r} is used twice "
                    f"({seen[ident].lstrip('.')} and {trail.lstrip('.')})"
                )
            seen[ident] = trail


def _prompts_from(content: Content, ref: str) -> list[str]:
    if ref == "toolkit.think_out_loud":
        return [
            q.text for s in content.toolkit.steps for q in s.current_conversation.think_out_loud
        ]
    if ref == "leadership.reflection_prompts":
        return list(content.leadership.reflection_prompts())
    if ref == "competencies.reflection_prompts":
        return list(content.competencies.reflection_prompts())
    raise KeyError(ref)


def _check_references(content: Content) -> None:
    for index, ref in enumerate(content.coach.reflect.prompt_sources):
        try:
            prompts = _prompts_from(content, ref)
        except KeyError:
            raise ContentError(
                f"content/data/coach.yaml: reflect.prompt_sources[{index}]: "
                f"unknown prompt source {ref!r}"
            ) from None
        if not prompts:
            raise ContentError(
                f"content/data/coach.yaml: reflect.prompt_sources[{index}]: "
                f"{ref!r} yields no prompts"
            )
    step_ids = {step.id for step in content.toolkit.steps}
    items = {item.id for step in content.toolkit.steps for item in step.checklist}
    for index, section in enumerate(content.toolkit_work.sections):
        where = f"content/data/toolkit_work.yaml: sections[{index}]"
        if section.step not in step_ids:
            raise ContentError(f"{where}.step: unknown step {section.step!r}")
        if section.item is not None and section.item not in items:
            raise ContentError(f"{where}.item: unknown checklist item {section.item!r}")
        if section.redraws is not None and section.redraws not in {
            s.id for s in content.toolkit_work.sections if s.picture is not None
        }:
            raise ContentError(f"{where}.redraws: no section with a picture is {section.redraws!r}")
        for shown in section.shown_again_in:
            if shown not in step_ids:
                raise ContentError(f"{where}.shown_again_in: unknown step {shown!r}")
    drawn = content.toolkit_work.pictures.collaboration_map
    try:
        quadrant_fields = {
            f.name for f in content.toolkit_work.section(drawn.quadrants_section).fields
        }
    except KeyError:
        raise ContentError(
            "content/data/toolkit_work.yaml: pictures.collaboration_map.quadrants_section: "
            f"unknown section {drawn.quadrants_section!r}"
        ) from None
    for name in drawn.quadrants:
        if name not in quadrant_fields:
            raise ContentError(
                "content/data/toolkit_work.yaml: pictures.collaboration_map.quadrants: "
                f"{name!r} is not a field of {drawn.quadrants_section!r}"
            )
    first = content.coach.toolkit.first_step
    if first not in step_ids:
        raise ContentError(f"content/data/coach.yaml: toolkit.first_step: unknown step {first!r}")
    try:
        resolve_themes(
            content.prompts,
            leadership=content.leadership,
            competencies=content.competencies,
            toolkit=content.toolkit,
            worksheet=content.worksheet,
        )
    except ThemeError as exc:
        raise ContentError(f"content/data/prompts.yaml: {exc}") from None
    try:
        resolve_assessments(
            content.assessment,
            leadership=content.leadership,
            competencies=content.competencies,
            rubric=content.rubric,
            toolkit=content.toolkit,
            worksheet=content.worksheet,
        )
    except AssessmentError as exc:
        raise ContentError(f"content/data/assessment.yaml: {exc}") from None


def load_content(directory: Path | None = None) -> Content:
    """Load and validate all content; raises ContentError naming the file and field."""
    directory = directory or DATA_DIR
    parts = {key: _load_file(directory, name, model) for key, (name, model) in FILES.items()}
    _check_unique_ids(parts)
    content = Content.model_validate({key: part.model_dump() for key, part in parts.items()})
    _check_references(content)
    return content


@cache
def default_content() -> Content:
    """The packaged content, loaded once per process."""
    return load_content()
