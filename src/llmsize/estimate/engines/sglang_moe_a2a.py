"""SGLang --moe-a2a-backend: how the MoE layers move tokens to their experts' ranks.

SGLang's choices (python/sglang/srt/server_args.py MOE_A2A_BACKEND_CHOICES, 0.5 series): none (the
default: hidden states stay replicated over the TP group, the expert output all-reduced), deepep,
mooncake, nixl, mori, ascend_fuseep, flashinfer, megamoe. ServerArgs._handle_a2a_moe sets ep_size to
tp_size for deepep (and mooncake): each of the --tp ranks holds whole experts. deepep runs DeepEP's
kernels chosen per step by --deepep-mode (default auto: srt/layers/moe/utils.py DeepEPMode.resolve, normal
kernels while a prompt is in the batch, low-latency kernels in decode); llmsize prices those
(hardware/expert_all_to_all.py), and only where tokens cross attention groups (--dp-attention). The other
backends keep today's pricing and say so in the speed notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines.moe_all_to_all import NONE, AllToAll

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

CHOICES = ("none", "deepep", "mooncake", "nixl", "mori", "ascend_fuseep", "flashinfer", "megamoe")
# Backends for which _handle_a2a_moe sets ep_size = tp_size.
WHOLE_EXPERTS = frozenset({"deepep", "mooncake"})


def backend(wl: Workload) -> str:
    """The backend's name ('none' where unset: SGLang's default)."""
    return (wl.moe_a2a_backend or "none").lower()


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why SGLang cannot run this backend here, or None."""
    name = backend(wl)
    if name not in CHOICES:
        return f"--moe-a2a-backend {wl.moe_a2a_backend!r} is not one of SGLang's: {', '.join(CHOICES)}"
    if name == "none":
        return None
    if not spec.num_experts:
        return f"--moe-a2a-backend {name} moves MoE tokens between expert ranks; {spec.name} has no experts"
    if tp_problem(spec, wl, wl.tp) is not None:  # the layout given: said with its option
        return (f"--moe-a2a-backend {name} spreads the experts over the --tp ranks (SGLang sets ep_size = "
                "tp_size); it needs --tp 2 or more")
    return None


def tp_problem(spec: ModelSpec, wl: Workload, tp: int) -> str | None:
    """Why this backend cannot run at TP `tp` (None: it can, or the backend is no valid one, which
    problem() says). SGLang's engine asks it per TP degree (SGLangEngine.tp_problem), so a layout search
    (`fit/plan --num-gpus auto --moe-a2a-backend deepep`) passes over TP 1 instead of refusing it:
    it was "it needs --tp 2 or more", an option plan does not have (issue 15, round 20)."""
    name = backend(wl)
    if name == "none" or name not in CHOICES or not spec.num_experts or tp >= 2:
        return None
    # ep_size = tp_size (server_args.py _handle_a2a_moe): one rank has no peer to send tokens to
    return (f"SGLang cannot start: --moe-a2a-backend {name} spreads the experts over the TP ranks (ep_size = "
            "tp_size); use a TP degree of 2 or more")


def whole_experts(wl: Workload) -> bool:
    """Whether each TP rank holds whole experts (--ep, or a backend that forces ep_size = tp_size)."""
    return wl.expert_parallel or backend(wl) in WHOLE_EXPERTS


def plan(wl: Workload) -> AllToAll:
    """The backend as the speed model prices it."""
    name = backend(wl)
    if name == "none":
        return NONE
    if name == "deepep":
        where = ("across the --dp-attention groups" if wl.dp_attention > 1 else "priced only across "
                 "--dp-attention groups; under TP attention the all-reduces' price is kept")
        return AllToAll(name, "auto", f"MoE dispatch/combine: SGLang --moe-a2a-backend deepep, DeepEP "
                        f"low-latency kernels in decode and normal kernels for prompts (--deepep-mode auto), "
                        f"{where} (hardware/expert_all_to_all.py; DeepEP's buffers' memory not counted)")
    return AllToAll(name, "", f"MoE dispatch/combine: SGLang --moe-a2a-backend {name}: its cost is not "
                    "modelled; priced as the default path (hidden states gathered, output all-reduced)")
