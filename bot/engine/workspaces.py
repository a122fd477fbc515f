"""A workspace's install lifecycle: installed, uninstalled (sends stop), data kept or deleted."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.clock import Clock
from storage.database import Database

logger = logging.getLogger(__name__)


class WorkspaceEvents:
    """Each call is one transaction; a database failure is raised so the platform retries."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    def installed(self, *, platform: str, workspace_id: str) -> None:
        with self.database.unit_of_work() as uow:
            if uow.workspaces.mark_installed(platform=platform, external_id=workspace_id):
                logger.info("a workspace installed Lantern again; its sends resume")

    def uninstalled(self, *, platform: str, workspace_id: str, keep_data_for: timedelta) -> None:
        """Nothing is sent there from this moment (the worker's claims leave it out); with no
        retention, its data goes at once, else the worker deletes it when retention ends."""
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            row_id = uow.workspaces.mark_uninstalled(
                platform=platform, external_id=workspace_id, at=now
            )
            if row_id is not None and keep_data_for <= timedelta(0):
                uow.workspaces.delete(workspace_id=row_id)
                uow.erase_after_commit()  # its words leave the database's files too
        logger.info(
            "a workspace uninstalled Lantern; its data is %s",
            "deleted" if keep_data_for <= timedelta(0) else f"kept for {keep_data_for.days} days",
        )

    def delete_expired(self, *, keep_data_for: timedelta) -> int:
        """Delete every workspace uninstalled longer ago than retention; how many went."""
        with self.database.unit_of_work() as uow:
            expired = uow.workspaces.uninstalled_before(self.clock.now() - keep_data_for)
            for row_id in expired:
                uow.workspaces.delete(workspace_id=row_id)
            if expired:
                uow.erase_after_commit()
        if expired:
            logger.info("deleted %d uninstalled workspace(s) whose retention ended", len(expired))
        return len(expired)
