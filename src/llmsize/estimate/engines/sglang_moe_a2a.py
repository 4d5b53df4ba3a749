"""SGLang --moe-a2a-backend: how the MoE layers move tokens to their experts' ranks.

SGLang's choices (python/sglang/srt/server_args.py MOE_A2A_BACKEND_CHOICES, 0.5 series): none (the
default: hidden states stay replicated over the TP group, the expert output all-reduced), deepep,
mooncake, nixl, mori, ascend_fuseep, flashinfer, megamoe. ServerArgs._handle_a2a_moe sets ep_size to
tp_size for deepep (and mooncake): each of the --tp ranks holds whole experts. deepep runs DeepEP's
kernels chosen per step by --deepep-mode (default auto: srt/layers/moe/utils.py DeepEPMode.resolve, normal
kernels while a prompt is in the batch, low-latency kernels in decode); llmsize prices those
(hardware/expert_all_to_all.py), and only where tokens cross attention groups (--dp-attention). The other
backends keep today's pricing and say so in the speed notes.

DeepEP's buffer (deepep_buffers.py): srt/layers/moe/token_dispatcher/deepep.py DeepEPBuffer.get_deepep_buffer
builds one Buffer over the EP group (the --tp ranks) on the first dispatch. Under --deepep-mode auto it
takes num_nvl_bytes / num_rdma_bytes as the larger of the normal kernels' hints (Buffer.get_dispatch_config
/ get_combine_config .get_nvl_buffer_size_hint / get_rdma_buffer_size_hint over hidden x params_bytes, 1
byte: get_deepep_output_dtype dispatches FP8 by default on CUDA) and the low-latency hint
get_low_latency_rdma_size_hint(SGLANG_DEEPEP_NUM_MAX_DISPATCH_TOKENS_PER_RANK = 128, srt/environ.py,
hidden, tp, experts). That first dispatch runs in the warm-up / CUDA-graph capture, after the KV pool was
sized from --mem-fraction-static, and the auto mem_fraction_static heuristic reserves nothing for it
(sgl-project/sglang#28994: it "never models the DeepEP low_latency RDMA buffer (nvshmem, *outside* the
torch allocator)"): the bytes come out of the headroom, not the pool, so they are counted in the overhead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.estimate.engines import deepep_buffers
from llmsize.estimate.engines.moe_all_to_all import NONE, AllToAll

if TYPE_CHECKING:
    from llmsize.estimate.workload import Workload
    from llmsize.specs.models import ModelSpec

CHOICES = ("none", "deepep", "mooncake", "nixl", "mori", "ascend_fuseep", "flashinfer", "megamoe")
# REFERENCE: srt/environ.py SGLANG_DEEPEP_NUM_MAX_DISPATCH_TOKENS_PER_RANK = EnvInt(128).
MAX_DISPATCH_TOKENS = 128
# REFERENCE: srt/layers/moe/utils.py get_deepep_output_dtype: FP8 "the default for most models" (1 byte).
DISPATCH_BYTES = 1
# Backends for which _handle_a2a_moe sets ep_size = tp_size.
WHOLE_EXPERTS = frozenset({"deepep", "mooncake"})


def backend(wl: Workload) -> str:
    """The backend's name ('none' where unset: SGLang's default), as given: SGLang's names are
    case-sensitive (argparse `choices`, type=str: server_args.py add_cli_args; 0.5.23's
    arg_groups/arg_utils.py builds the same from the field's Literal); an empty `--moe-a2a-backend ''` is
    no name either (it was taken for the default)."""
    return "none" if wl.moe_a2a_backend is None else wl.moe_a2a_backend


def problem(spec: ModelSpec, wl: Workload) -> str | None:
    """Why SGLang cannot run this backend here, or None."""
    name = backend(wl)
    if name not in CHOICES:
        same = next((c for c in CHOICES if c.lower() == name.lower()), None)
        if same is not None:  # `DeepEP`: argparse refuses it ("invalid choice"), and so does llmsize
            return (f"--moe-a2a-backend {name!r} is not one of SGLang's (its names are case-sensitive and "
                    f"SGLang refuses this spelling); use {same}")
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
                        f"{where} (hardware/expert_all_to_all.py)")
    return AllToAll(name, "", f"MoE dispatch/combine: SGLang --moe-a2a-backend {name}: its cost is not "
                    "modelled; priced as the default path (hidden states gathered, output all-reduced)")


def deepep_bytes(spec: ModelSpec, wl: Workload) -> int:
    """The DeepEP Buffer SGLang allocates on each GPU under --moe-a2a-backend deepep (auto mode), or 0."""
    if backend(wl) != "deepep" or not spec.num_experts or wl.tp < 2:
        return 0
    normal = deepep_buffers.normal_bytes(spec.hidden_size * DISPATCH_BYTES, wl.tp) or (0, 0)
    low_latency = deepep_buffers.low_latency_rdma_bytes(
        MAX_DISPATCH_TOKENS, spec.hidden_size, spec.num_experts
    )
    return deepep_buffers.buffer_bytes(normal[0], max(normal[1], low_latency))


def deepep_note(spec: ModelSpec, wl: Workload) -> str | None:
    """One line on the DeepEP buffer's bytes and where they go, or None."""
    n = deepep_bytes(spec, wl)
    if not n:
        return None
    return (f"--moe-a2a-backend deepep: DeepEP's buffer {n / 2**30:.2f} GiB per GPU (low-latency RDMA "
            f"region for {MAX_DISPATCH_TOKENS} tokens x {spec.num_experts} experts, normal-mode NVLink "
            "region, 32 MiB workspace; DeepEPBuffer.get_deepep_buffer), allocated at the first dispatch "
            "after the KV pool: counted in the overhead, outside --mem-fraction-static (deepep_buffers.py)")
