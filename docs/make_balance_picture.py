"""Renders an example balance chart into docs/pictures/: python docs/make_balance_picture.py"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.flows.balance import balance_replies
from bot.flows.plan_model import CheckInView, RelationshipView
from content import default_content

OUT = Path(__file__).resolve().parent / "pictures"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


def relationship(
    rid: int,
    name: str,
    constituency: str,
    cadence: str,
    *,
    label: str | None = None,
    every_days: int | None = None,
    last_days_ago: int | None = None,
) -> RelationshipView:
    return RelationshipView(
        id=rid,
        name=name,
        kind="person",
        constituency=constituency,
        constituency_label=label,
        cadence=cadence,
        cadence_days=every_days,
        strategies=None,
        success_measures=(),
        paused=False,
        created_at=NOW - timedelta(days=200),
        last_checkin_at=None if last_days_ago is None else NOW - timedelta(days=last_days_ago),
        next_due_at=None,
        rating=None,
    )


def example() -> tuple[list[RelationshipView], list[CheckInView]]:
    """A plan with every status: on track, a check-in due, and neglected."""
    relationships = [
        relationship(1, "Board chair", "governing-authority", "monthly", last_days_ago=12),
        relationship(2, "Branch managers", "staff", "weekly", last_days_ago=3),
        relationship(3, "Circulation team", "staff", "fortnightly", last_days_ago=40),
        relationship(4, "Community centre", "community", "monthly", last_days_ago=36),
        relationship(5, "State library association", "profession", "quarterly", last_days_ago=30),
        relationship(6, "Reflection time", "self", "weekly", last_days_ago=5),
        relationship(7, "City manager", "local-government", "days", every_days=45),
        relationship(
            8,
            "Friends group",
            "other",
            "monthly",
            label="Friends of the Library and the library foundation board",
            last_days_ago=20,
        ),
    ]
    logged = {
        1: [12, 44, 75],
        2: [3, 10, 17, 31, 38, 52, 66, 80],
        3: [40, 70],
        4: [36, 66],
        5: [30],
        6: [5, 12, 19, 26, 40, 54, 61, 75],
        8: [20, 50, 81],
    }
    checkins = [
        CheckInView(
            id=index,
            relationship_id=rid,
            happened_on=TODAY - timedelta(days=days),
            went=None,
            notes=None,
            measures=(),
            source="form",
            created_at=NOW - timedelta(days=days),
        )
        for index, (rid, days) in enumerate(
            (rid, days) for rid, all_days in logged.items() for days in all_days
        )
    ]
    return relationships, checkins


def main() -> None:
    relationships, checkins = example()
    (reply,) = balance_replies(
        default_content(), relationships, checkins, now=NOW, today=TODAY, weekly=True
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "balance.png").write_bytes(reply.images[0].data)
    print(reply.text)


if __name__ == "__main__":
    main()
