"""Form drafts: the answers a person has given in a form not yet submitted, one row a form."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import FormDraft

CONTEXT_KEPT = 200


def context_key(context: str) -> str:
    """A form's context as kept: as it is when it fits, else a digest of it (a reflection
    form's context is its prompt, which may be long)."""
    if len(context) <= CONTEXT_KEPT:
        return context
    return "sha256:" + hashlib.sha256(context.encode("utf-8")).hexdigest()


class FormDraftsRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _row(self, person_id: int, form_id: str, context: str) -> FormDraft | None:
        return self._session.scalar(
            select(FormDraft).where(
                FormDraft.person_id == person_id,
                FormDraft.form_id == form_id,
                FormDraft.context == context_key(context),
            )
        )

    def get(self, *, person_id: int, form_id: str, context: str) -> dict[str, str]:
        """The answers kept for that form (empty when none)."""
        row = self._row(person_id, form_id, context)
        return _answers(row.answers) if row is not None else {}

    def keep(
        self,
        *,
        person_id: int,
        form_id: str,
        context: str,
        answers: Mapping[str, str],
        at: datetime,
        replace: bool = False,
    ) -> None:
        """Keep `answers` over those kept before (or instead of them, with `replace`)."""
        row = self._row(person_id, form_id, context)
        if row is None:
            row = FormDraft(person_id=person_id, form_id=form_id, context=context_key(context))
            self._session.add(row)
            kept: dict[str, str] = {}
        else:
            kept = {} if replace else _answers(row.answers)
        kept.update({str(name): str(value) for name, value in answers.items()})
        row.answers = json.dumps(kept, ensure_ascii=False)
        row.updated_at = at

    def drop(self, *, person_id: int, form_id: str, context: str) -> None:
        self._session.execute(
            delete(FormDraft).where(
                FormDraft.person_id == person_id,
                FormDraft.form_id == form_id,
                FormDraft.context == context_key(context),
            )
        )

    def latest(self, *, person_id: int) -> tuple[str, str, datetime] | None:
        """The form most recently answered part-way: (form id, context as kept, when)."""
        row = self._session.scalar(
            select(FormDraft)
            .where(FormDraft.person_id == person_id)
            .order_by(FormDraft.updated_at.desc(), FormDraft.id.desc())
            .limit(1)
        )
        return None if row is None else (row.form_id, row.context, row.updated_at)


def _answers(text: str) -> dict[str, str]:
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(name): str(value) for name, value in loaded.items() if isinstance(value, str)}
