"""What an engine's estimate reads of the card's architecture and segment (BaseEngine.gpu_facts_read).

A planner sizes one estimate for workloads that differ only in `gpu_architecture` / `gpu_segment` where
the engine's key of them is equal (hardware/planner.py `_memo_key`; issue 15: `compare --gpus all
--engine sglang`). That is only right if the key holds everything the estimate reads of those two
fields: estimates of every catalog (architecture, segment) pair with one key must be equal, for the
models whose SGLang estimate does read them (gpt-oss's SWA pool, page and MXFP4 experts on SM100, FP8
weights through Marlin on Ampere) and for a plain dense one; and a new reader of the two fields must
come with a look at the key, so the readers are counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from llmsize.estimate.core import estimate
from llmsize.estimate.engines import engine_for
from llmsize.estimate.result import Estimate
from llmsize.estimate.workload import Engine, Workload
from llmsize.hardware.gpus import bundled_gpus
from llmsize.hardware.plan_estimator import default_estimator
from llmsize.hardware.planner import Planner
from llmsize.specs.resolve import resolve

SRC = Path(__file__).resolve().parents[2] / "src" / "llmsize"
READ = re.compile(r"\.gpu_(architecture|segment)\b")
# Attribute reads of the two fields per file. SGLang's (11, the Sglang class's modules): gpu_defaults
# (2, whether unset) and gpu_facts_read itself (2) in sglang_launch.py; _decode_choice
# (rocm_decode_backend.sglang_decode: CDNA3) and prefill_launch (2: ROCm and SM100 turn the piecewise
# prefill graphs off, sglang_prefill_graphs.py) in sglang_speed.py; swa_pool (sglang_layout.py) and
# figures (sglang_figures.py) (sglang_swa: SM100, 2 each); sglang_fp8.extra_bytes (uses_marlin: Ampere);
# sglang_mxfp4.sm100 (2).
# vLLM's own readers (gpu_defaults, the ROCm decode choice, cuda_graph_bytes' FA3 splits) are vLLM's.
# The other engines promise nothing (gpu_facts_read None), so their readers need no key.
READERS = {
    "estimate/engines/sglang_figures.py": 2,
    "estimate/engines/sglang_launch.py": 4,
    "estimate/engines/sglang_layout.py": 2,
    "estimate/engines/sglang_speed.py": 3,
    "estimate/engines/sglang_fp8.py": 1,
    "estimate/engines/sglang_mxfp4.py": 2,
    # vllm.py's three, moved by the split into single-job modules (one each, the same reads):
    "estimate/engines/vllm_launch.py": 1,  # gpu_defaults: whether unset
    "estimate/engines/vllm_speed_hooks.py": 1,  # the ROCm decode choice
    "estimate/engines/vllm_transient.py": 1,  # cuda_graph_bytes: FA3's split accumulators (Hopper), vLLM only
    "estimate/engines/vllm_profile_run.py": 1,
    "estimate/engines/vllm_capture_extras.py": 1,  # the capture stream's cuBLAS workspace, vLLM only
    "estimate/engines/transformers.py": 3,
}


def test_readers_of_the_gpu_facts_are_the_ones_sglangs_key_covers() -> None:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        count = len(READ.findall(path.read_text(encoding="utf-8")))
        if count:
            found[path.relative_to(SRC).as_posix()] = count
    assert found == READERS, "a new reader of gpu_architecture / gpu_segment: check Sglang.gpu_facts_read"


def _pairs() -> list[tuple[str, str]]:
    """The catalog's (architecture, segment) pairs of the vendors SGLang runs on."""
    return sorted({(g.architecture, g.segment) for g in bundled_gpus() if g.vendor in ("nvidia", "amd")})


@pytest.fixture(scope="module", autouse=True)
def _catalog_read() -> None:
    """The model catalog read once, before the tests (its first read is most of a first resolve)."""
    resolve("gpt-oss-20b")


@pytest.mark.parametrize(("model", "extra"), [
    ("gpt-oss-20b", {}),
    ("Ministral-3-8B-Instruct-2512", {}),
    ("Llama-3.1-8B", {"tp": 2, "num_gpus": 2}),
])
def test_sglang_estimates_with_one_key_are_equal(model: str, extra: dict[str, int]) -> None:
    spec = resolve(model)
    base = Workload(engine=Engine.SGLANG, context=16_384, **extra)
    groups: dict[object, list[Estimate]] = defaultdict(list)
    for arch, segment in [*_pairs(), (None, None)]:
        wl = base.model_copy(update={"gpu_architecture": arch, "gpu_segment": segment})
        groups[engine_for(wl).gpu_facts_read()].append(estimate(spec, wl, explained=False))
    assert len(groups) > 1
    for ests in groups.values():
        assert all(est == ests[0] for est in ests[1:])


def test_gpt_oss_on_sm100_is_its_own_key() -> None:
    """The key tells apart what the estimate does: gpt-oss-20b's SWA page is 64 tokens on a B200 only."""
    spec = resolve("gpt-oss-20b")
    base = Workload(engine=Engine.SGLANG)
    b200 = base.model_copy(update={"gpu_architecture": "blackwell", "gpu_segment": "datacenter"})
    rtx = base.model_copy(update={"gpu_architecture": "blackwell", "gpu_segment": "consumer"})
    assert engine_for(b200).gpu_facts_read() != engine_for(rtx).gpu_facts_read()
    assert estimate(spec, b200, explained=False) != estimate(spec, rtx, explained=False)


def test_a_callers_own_estimator_is_asked_for_every_workload() -> None:
    """A caller's estimator may read anything of the workload: no estimate is shared across GPU facts."""
    spec = resolve("Llama-3.1-8B")
    asked: list[Workload] = []

    def mine(s: object, wl: Workload) -> Estimate:
        asked.append(wl)
        return default_estimator()(spec, wl)

    base = Workload(engine=Engine.SGLANG)
    hopper = base.model_copy(update={"gpu_architecture": "hopper", "gpu_segment": "datacenter"})
    ada = base.model_copy(update={"gpu_architecture": "ada", "gpu_segment": "datacenter"})
    planner = Planner(spec, base, mine)
    planner.estimate(hopper)
    planner.estimate(ada)
    assert asked == [hopper, ada]
    shared = Planner(spec, base)
    assert shared.estimate(hopper) is shared.estimate(ada)


def test_no_workload_validator_reads_the_gpu_facts() -> None:
    """derived_workload validates a workload with GPU facts as the one without them, then puts them back."""
    text = (SRC / "estimate" / "workload.py").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if re.search(r"\bgpu_(architecture|segment)\b", line)]
    assert lines == ["gpu_architecture: str | None = Field(", "gpu_segment: str | None = Field("]


def test_derived_workloads_with_gpu_facts_are_the_validated_ones() -> None:
    from llmsize.hardware.derived_workload import derived_workload

    base = Workload(engine=Engine.SGLANG, context=8192)
    for arch, segment in _pairs():
        wl = base.model_copy(update={"gpu_architecture": arch, "gpu_segment": segment})
        for changes in ({"tp": 2, "pp": 2, "num_gpus": 4}, {"context": 4096}, {"gpu_architecture": "hopper"}):
            assert derived_workload(wl, changes) == Workload.model_validate({**dict(wl), **changes})
