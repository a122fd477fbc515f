"""Workspaces as installs: marked installed or uninstalled, and deleted when retention ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from storage.models import Workspace
from storage.repositories import PeopleRepository


class WorkspacesRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def mark_installed(self, *, platform: str, external_id: str) -> bool:
        """The workspace (re)installed Lantern; True when it had been uninstalled."""
        workspace = PeopleRepository(self._session).workspace(
            platform=platform, external_id=external_id
        )
        was_uninstalled = workspace.uninstalled_at is not None
        workspace.uninstalled_at = None
        return was_uninstalled

    def mark_uninstalled(self, *, platform: str, external_id: str, at: datetime) -> int | None:
        """From now on nothing is sent there; the first time counts for retention. The
        workspace's row id, or None when Lantern never saw it."""
        workspace = self._session.scalar(
            select(Workspace).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
        if workspace is None:
            return None
        if workspace.uninstalled_at is None:
            workspace.uninstalled_at = at
        return workspace.id

    def uninstalled_before(self, moment: datetime) -> list[int]:
        return list(
            self._session.scalars(
                select(Workspace.id).where(
                    Workspace.uninstalled_at.is_not(None), Workspace.uninstalled_at <= moment
                )
            )
        )

    def delete(self, *, workspace_id: int) -> None:
        """The workspace and everything in it: the database cascades to every row."""
        self._session.execute(delete(Workspace).where(Workspace.id == workspace_id))
