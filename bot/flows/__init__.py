"""The conversations Lantern holds, each an explicit state machine, and how commands reach them."""

from __future__ import annotations

from bot.flows.assess import AssessFlow
from bot.flows.base import Flow
from bot.flows.checkin import CheckInFlow
from bot.flows.coach import CoachFlow
from bot.flows.plan import PlanFlow
from bot.flows.reflect import ReflectFlow
from bot.flows.team import TeamFlow
from bot.flows.toolkit import ToolkitFlow


def default_flows() -> dict[str, Flow]:
    flows: list[Flow] = [
        CoachFlow(),
        ReflectFlow(),
        ToolkitFlow(),
        PlanFlow(),
        CheckInFlow(),
        TeamFlow(),
        AssessFlow(),
    ]
    return {flow.flow_id: flow for flow in flows}
