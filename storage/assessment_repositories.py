"""Repository for self-assessments: the one in progress per kind, and the finished history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from storage.models import SelfAssessment


class SelfAssessmentsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def in_progress(self, *, person_id: int, kind: str) -> SelfAssessment | None:
        return self._session.scalar(
            select(SelfAssessment)
            .where(
                SelfAssessment.person_id == person_id,
                SelfAssessment.kind == kind,
                SelfAssessment.finished_at.is_(None),
            )
            .order_by(SelfAssessment.id.desc())
            .limit(1)
        )

    def all_for(self, *, person_id: int) -> list[SelfAssessment]:
        """Every assessment of this person, finished ones in the order they were finished,
        then the ones in progress."""
        rows = self._session.scalars(
            select(SelfAssessment)
            .where(SelfAssessment.person_id == person_id)
            .order_by(SelfAssessment.finished_at.is_(None), SelfAssessment.finished_at)
            .order_by(SelfAssessment.id)
        )
        return list(rows)

    def save_answers(
        self,
        *,
        person_id: int,
        kind: str,
        answers: Mapping[str, int | None],
        indicators: Mapping[str, Sequence[str]],
        finish: bool,
        at: datetime,
    ) -> SelfAssessment:
        """Add answers to the assessment in progress (started now if there is none), and
        finish it when asked. Later answers to the same item replace earlier ones."""
        row = self.in_progress(person_id=person_id, kind=kind)
        if row is None:
            row = SelfAssessment(
                person_id=person_id,
                kind=kind,
                answers={},
                indicators={},
                started_at=at,
                updated_at=at,
            )
            self._session.add(row)
        row.answers = {**row.answers, **answers}
        row.indicators = {**row.indicators, **{k: list(v) for k, v in indicators.items()}}
        flag_modified(row, "answers")
        flag_modified(row, "indicators")
        row.updated_at = at
        if finish:
            row.finished_at = at
        self._session.flush()
        return row

    def discard_in_progress(self, *, person_id: int, kind: str) -> bool:
        removed = self._session.execute(
            delete(SelfAssessment)
            .where(
                SelfAssessment.person_id == person_id,
                SelfAssessment.kind == kind,
                SelfAssessment.finished_at.is_(None),
            )
            .returning(SelfAssessment.id)
            .execution_options(synchronize_session=False)
        ).first()
        return removed is not None
