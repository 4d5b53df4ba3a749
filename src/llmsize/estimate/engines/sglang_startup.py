"""What SGLang holds before it measures the memory its static share is a fraction of, by release.

SGLang sizes its pools from `pre_model_load_memory`, the free memory it reads at the end of
`init_torch_distributed` (0.5.19 / 0.5.23 `srt/distributed/bootstrap.py`; 0.4.x
`model_executor/model_runner.py`), with distributed=True: the minimum over the ranks. It reads it
*after* `initialize_model_parallel` has built the tensor-parallel GroupCoordinator, whose
PyNcclCommunicator (`device_communicators/pynccl.py` __init__: ncclCommInitRank, then a one-element
all_reduce "for warmup") and, unless disabled, custom all-reduce buffers already sit on the GPU. A
world of one rank builds no communicator (`parallel_state.py` GroupCoordinator: `use_pynccl and
self.world_size > 1`), and torch's own NCCL process group stays lazy (no device_id is passed to
init_process_group and pre_warm_nccl is off on CUDA). So on more than one rank the static share is
taken of less memory, and the KV pool loses mem_fraction_static x that communicator.

What the communicator takes is NCCL's (its kernels loaded for the device, its channels' buffers), not
SGLang's, so it is the figure SGLang prints itself, "Init torch distributed ends. mem usage=X GB"
(bytes / 2**30), for the NCCL each release series ships:
- 0.4.x: NCCL 2.21.5 (torch 2.5), 0.13 GB a rank: QwQ-32B at TP 4 on 4x L4, 0.4.3.post4
  (didier-durand/llms-in-clouds docs/sglang.md, "sglang is using nccl==2.21.5").
- 0.5.x: NCCL 2.28, 0.26 GB a rank: TP 2 on 2x RTX 4090 (sgl-project/sglang#16920, "sglang is using
  nccl==2.28.3"); sglang#17402 prints 0.29 GB at TP 2 on a card it does not name, and sglang#40558
  0.39 GB at TP 4 on 96 GB sm_120 PCIe cards with nccl 2.29.7 (more peers; not modelled by TP).
These are PCIe GPUs; where they lack peer-to-peer access (GeForce cards) NCCL's SHM transport keeps
the channel buffers in host shared memory (the 9.2 MiB /dev/shm/nccl-* segment per connection,
sgl-project/sgl-project.github.io#5), and what is left on the device is mostly NCCL's own kernels and
communicator state. On an NVLink 4 / 5
switch (H100, H200, B200 HGX) they sit in device memory, and NCCL adds its NVLink SHARP (NVLS)
multicast buffers ("set NCCL_NVLS_ENABLE=0 for memory saving", NVIDIA/NeMo-Framework-Launcher#127):
the same line reads 2.01 GB a rank at TP 8 on 8x H200 (sgl-project/sglang#11716, October 2025
main, the largest rank's, which SGLang's minimum over the ranks follows); vLLM's profiler saw the same
order on H100s, 1.79 GiB more non-torch memory at TP 2 than at TP 1 (vllm PR #10511, vllm.py
NON_TORCH_TP_EXTRA_BYTES). That figure is taken at any TP on such a switch (how it scales with TP is
not published).
The RoPE cos/sin table (`layers/rotary_embedding/base.py` RotaryEmbedding.__init__) is built during
the load: 0.5.19 and 0.5.23 keep it in float32 on CUDA ("cache needs to be in FP32 for numerical
stability"); 0.4.x used vLLM's RotaryEmbedding, cast to the model dtype.
Not modelled: a second communicator for pipeline stages (PP group); NVLink bridges and NVLink 3
switches (A100), taken as PCIe.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmsize.errors import BadInputError
from llmsize.estimate.engines.nccl import Link
from llmsize.estimate.engines.server_releases import is_number
from llmsize.units import GIB

if TYPE_CHECKING:
    from llmsize.specs.models import ModelSpec

# REFERENCE: SGLang's "Init torch distributed ends. mem usage" lines (module docstring), GiB a rank.
NCCL_INIT_BYTES_V04 = int(0.13 * GIB)  # NCCL 2.21.5, didier-durand/llms-in-clouds docs/sglang.md
NCCL_INIT_BYTES_V05 = int(0.26 * GIB)  # NCCL 2.28.3, sgl-project/sglang#16920
NCCL_INIT_BYTES_NVSWITCH = int(2.01 * GIB)  # 8x H200, sgl-project/sglang#11716
SERIES_05 = (0, 5)  # the 0.5 series: NCCL 2.28 and a float32 RoPE table on CUDA
# The oldest series whose rules are modelled (module docstring: 0.4.x's NCCL 2.21.5 and model-dtype RoPE);
# 0.0.0 or 0.3.x were sized by 0.4's rules without a word, where vLLM and transformers refuse a release
# older than the ones they model (server_releases.py; issue 15, round 22).
OLDEST_SGLANG = (0, 4)


def release(text: str | None) -> tuple[int, int, int] | None:
    """The SGLang release asked for (--engine-version 0.4.3.post4, v0.5.19); None: the release modelled."""
    if text is None:
        return None
    head = text.strip().lower().removeprefix("v").split(".post")[0].split("rc")[0]
    parts = head.split(".")
    if not 2 <= len(parts) <= 3 or not all(is_number(p) for p in parts):
        raise BadInputError(
            f"--engine-version {text!r} is not an SGLang release",
            hint="give the version `python -m sglang.version` prints, e.g. 0.5.19 or 0.4.3.post4",
        )
    major, minor, patch = (int(p) for p in [*parts, "0"][:3])
    if (major, minor) < OLDEST_SGLANG:
        raise BadInputError(
            f"--engine-version {text}: llmsize models SGLang releases from 0.4 on",
            hint="give 0.4 or later, or leave --engine-version out for the current release",
        )
    return major, minor, patch


def dist_init_bytes(world_size: int, rel: tuple[int, int, int] | None, link: Link | None = None) -> int:
    """Device memory the tensor-parallel NCCL communicator holds when pre_model_load_memory is read
    (an unknown link: the PCIe figure, the smaller one)."""
    if world_size <= 1:
        return 0
    if link == "nvls":
        return NCCL_INIT_BYTES_NVSWITCH
    return NCCL_INIT_BYTES_V04 if rel is not None and rel[:2] < SERIES_05 else NCCL_INIT_BYTES_V05


def rope_element_bytes(rel: tuple[int, int, int] | None, model_element: int) -> int:
    """Bytes per cos/sin value: float32 from the 0.5 series on (CUDA), the model dtype before."""
    return 4 if rel is None or rel[:2] >= SERIES_05 else model_element


# SGLang's Gemma 3 attention (python/sglang/srt/models/gemma3_causal.py Gemma3Attention.__init__) passes
# rope_scaling={"rope_type": "default"} to get_rope on its global layers as well as its sliding ones, so
# the config's linear factor never lengthens a table: two plain tables of max_position_embeddings rows
# (bases rope_theta and rope_local_base_freq, distinct get_rope entries). vLLM's gemma3.py keeps the
# config's scaling on the global layers (vllm_rope.py).
GEMMA3_ARCHITECTURES = frozenset({"Gemma3ForCausalLM", "Gemma3ForConditionalGeneration"})


def rope_positions(spec: ModelSpec, engine_positions: int) -> int:
    """Rows of the cos/sin tables SGLang builds: `engine_positions` (vllm_rope.rope_positions), except
    for Gemma 3, whose two tables are unscaled. Check: gemma-3-4b-it on an H200, SGLang of March 2025
    (0.4.4, tables in bf16), printed "Load weight end. type=Gemma3ForConditionalGeneration, ...,
    mem usage=8.13 GB" (sgl-project/sglang PR #4826): 8.01 GiB of bf16 weights + 2 x 131,072 x 256 x
    2 B = 128 MiB; the 8x-scaled global table would have made it 8.57."""
    if spec.architecture in GEMMA3_ARCHITECTURES:
        return 2 * spec.max_position_embeddings
    return engine_positions


# REFERENCE: model_runner.py ModelRunner.__init__ of the 0.4 series: `if self.is_multimodal:
# self.mem_fraction_static *= 0.95` ("Automatically reduce --mem-fraction-static to ... because this is a
# multimodal model"), on the share given or defaulted alike, with no embedding-cache reserve. The 0.5
# series scales only the default, by the ViT's size (memory_hook.py adjust_mem_fraction_for_vlm), and
# reserves 100 MiB (sglang_rules.py). Some later 0.4 releases multiplied by 0.90; which ones is not
# established, so 0.95 stands for the series.
LEGACY_VLM_FACTOR = 0.95


def legacy_vlm_share(rel: tuple[int, int, int] | None) -> bool:
    """Whether this release scales every multimodal model's static share itself (the 0.4 series)."""
    return rel is not None and rel[:2] < SERIES_05
