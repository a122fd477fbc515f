"""The conversations Lantern holds, each an explicit state machine, and how commands reach them."""

from __future__ import annotations

from bot.flows.base import Flow
from bot.flows.coach import CoachFlow
from bot.flows.reflect import ReflectFlow
from bot.flows.toolkit import ToolkitFlow


def default_flows() -> dict[str, Flow]:
    flows: list[Flow] = [CoachFlow(), ReflectFlow(), ToolkitFlow()]
    return {flow.flow_id: flow for flow in flows}
