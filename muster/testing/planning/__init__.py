"""Pure planning engine for mass testing: pooling, desk queues and lab capacity.

No Django here (GUIDE.md section 4, convention 5): inputs and outputs are
pydantic models, and the testing app adapts its rows to them.
"""

from .errors import PlanningError
from .lab import LabPlan, LabPlanInput, LabRound, completion_hours, plan_lab, validate_lab_plan
from .pooling import (
    PoolPlan,
    PoolPlanInput,
    PoolRound,
    check_chain,
    dorfman_cost,
    entropy_lower_bound,
    nested_cost,
    plan_pools,
    positive_probability,
    round_breakdown,
    validate_pool_plan,
)
from .queueing import (
    DeskPlan,
    DeskPlanInput,
    Guidance,
    erlang_b,
    erlang_c,
    guidance,
    mean_wait,
    p_wait_over,
    plan_desks,
    validate_desk_plan,
)
from .simulation import SimulationInput, SimulationResult, simulate_queue

__all__ = [
    "DeskPlan",
    "DeskPlanInput",
    "Guidance",
    "LabPlan",
    "LabPlanInput",
    "LabRound",
    "PlanningError",
    "PoolPlan",
    "PoolPlanInput",
    "PoolRound",
    "SimulationInput",
    "SimulationResult",
    "check_chain",
    "completion_hours",
    "dorfman_cost",
    "entropy_lower_bound",
    "erlang_b",
    "erlang_c",
    "guidance",
    "mean_wait",
    "nested_cost",
    "p_wait_over",
    "plan_desks",
    "plan_lab",
    "plan_pools",
    "positive_probability",
    "round_breakdown",
    "simulate_queue",
    "validate_desk_plan",
    "validate_lab_plan",
    "validate_pool_plan",
]
