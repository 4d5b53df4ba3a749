"""Engine modules are imported when an engine is asked for (issue 15, cold `fit --all`), and the lazy
tables hold what the eager ones did: every engine's class and every speed profile its modules keep."""

from __future__ import annotations

import subprocess
import sys

from llmsize.estimate.engines import ENGINES
from llmsize.estimate.engines.llama_cpp import LEGACY_SPEED as LLAMA_CPP_LEGACY
from llmsize.estimate.engines.llama_cpp import LlamaCpp
from llmsize.estimate.engines.llama_cpp_sycl import SYCL_PROFILES
from llmsize.estimate.engines.llama_cpp_vulkan import VULKAN_PROFILES
from llmsize.estimate.engines.ollama import LEGACY_SPEED as OLLAMA_LEGACY
from llmsize.estimate.engines.ollama import Ollama
from llmsize.estimate.engines.rocm_triton_attention import SGLANG_PROFILES as TRITON_SGLANG
from llmsize.estimate.engines.rocm_triton_attention import VLLM_PROFILES as TRITON_VLLM
from llmsize.estimate.engines.sglang import LEGACY_SPEED as SGLANG_LEGACY
from llmsize.estimate.engines.sglang import Sglang
from llmsize.estimate.engines.speed_eager import EAGER_SPEED
from llmsize.estimate.engines.transformers import LEGACY_SPEED as TRANSFORMERS_LEGACY
from llmsize.estimate.engines.transformers import Transformers
from llmsize.estimate.engines.vllm import LEGACY_SPEED as VLLM_LEGACY
from llmsize.estimate.engines.vllm import Vllm
from llmsize.estimate.engines.vllm_graph_cap import CAPPED_SPEED
from llmsize.estimate.engines.vllm_moe_untuned_speed import UNTUNED_V0_SPEED
from llmsize.estimate.workload import Engine
from llmsize.hardware import speed_profiles
from llmsize.hardware.speed_profiles import ENGINE_PROFILES, engine_profile


def test_engine_table_names_each_engines_class():
    assert dict(ENGINES) == {Engine.TRANSFORMERS: Transformers, Engine.VLLM: Vllm, Engine.SGLANG: Sglang,
                             Engine.LLAMA_CPP: LlamaCpp, Engine.OLLAMA: Ollama}
    assert list(ENGINES) == [Engine.TRANSFORMERS, Engine.VLLM, Engine.SGLANG, Engine.LLAMA_CPP, Engine.OLLAMA]


def test_profiles_are_the_eager_tables_union():
    # the table as it was built before it was lazy (every module imported, later tables override)
    eager = {cls.engine.value: cls.speed for cls in (Transformers, Vllm, Sglang, LlamaCpp, Ollama)}
    eager |= VLLM_LEGACY | TRANSFORMERS_LEGACY | LLAMA_CPP_LEGACY
    eager |= EAGER_SPEED | VULKAN_PROFILES | OLLAMA_LEGACY | SGLANG_LEGACY | CAPPED_SPEED
    eager |= TRITON_VLLM | TRITON_SGLANG | SYCL_PROFILES | UNTUNED_V0_SPEED
    assert dict(ENGINE_PROFILES) == eager
    assert all(ENGINE_PROFILES[name] is profile for name, profile in eager.items())
    assert engine_profile("no-such-engine") is Vllm.speed  # vLLM's, as before


def test_a_value_set_before_its_engine_is_read_stays():
    table = speed_profiles._Profiles()
    table["sglang"] = Vllm.speed  # calibration tries a value (bench/speed_validation.py)
    assert table["sglang"] is Vllm.speed
    assert table["sglang-0.4"] is SGLANG_LEGACY["sglang-0.4"]  # the rest of SGLang's read on lookup
    assert table["sglang"] is Vllm.speed


def test_transformers_profile_imports_no_vllm_or_sglang_module():
    code = (
        "import sys\n"
        "from llmsize.hardware.speed_profiles import engine_profile\n"
        "from llmsize.estimate.engines import ENGINES\n"
        "from llmsize.estimate.workload import Engine\n"
        "assert engine_profile('transformers').engine == 'transformers'\n"
        "assert engine_profile('llama.cpp-vulkan').engine == 'llama.cpp-vulkan'\n"
        "ENGINES[Engine.OLLAMA]\n"
        "names = ('engines.vllm', 'engines.sglang', 'speed_eager')\n"
        "print(sorted(m for m in sys.modules if m.endswith(names)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_sizes_only_fit_rows_import_no_speed_model():
    """`fit --all`'s sizes-only rows (cli/fit_all_rows.py) never run the speed model, so they do not
    import it (issue 15: imports not needed on that path); a row with a speed does."""
    code = (
        "import sys\n"
        "from llmsize.estimate.workload import Workload\n"
        "from llmsize.hardware.gpus import get_gpu\n"
        "from llmsize.hardware.model_fit import fit_model\n"
        "from llmsize.specs.resolve import resolve\n"
        "spec, card = resolve('Qwen2.5-0.5B-Instruct'), get_gpu('RTX-4090')\n"
        "row = fit_model(spec, Workload(), card, stop_at_first=True, batch_limit=False, sizes_only=True)\n"
        "assert row.best is not None and row.options[row.best].row.decode_tokens_per_s is None\n"
        "print('llmsize.hardware.speed' in sys.modules)\n"
        "row = fit_model(spec, Workload(), card)\n"
        "assert row.options[row.best].row.decode_tokens_per_s is not None\n"
        "print('llmsize.hardware.speed' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_plain_estimate_imports_no_media_speculative_or_lora_module():
    """A plain inference `estimate` never runs the images', audio's, video's, speculative decoding's or
    LoRA's modules, so it does not import them (issue 15: each compiles its dataclasses' methods at
    import); a workload with images, a drafter or LoRA does."""
    code = (
        "import contextlib, io, sys\n"
        "from llmsize.cli import main\n"
        "names = ('estimate.images', 'estimate.audio', 'estimate.video', 'estimate.speculative',\n"
        "         'estimate.adapters', 'activations.audio', 'activations.vision')\n"
        "def run(*args):\n"
        "    sys.argv = ['llmsize', 'estimate', *args]\n"
        "    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "        main()\n"
        "    found = sorted(m.removeprefix('llmsize.estimate.') for m in sys.modules if m.endswith(names))\n"
        "    print(','.join(found) or '-')\n"
        "run('Qwen2.5-7B-Instruct-GPTQ-Int4')\n"
        "run('Qwen2.5-7B-Instruct-GPTQ-Int4', '--format', 'json')\n"
        "run('Qwen2.5-VL-7B-Instruct', '--images', '1')\n"
        "run('Qwen2.5-7B', '--engine', 'llama.cpp', '--speculative', 'draft:Qwen2.5-0.5B')\n"
        "run('Llama-3.1-8B', '--mode', 'lora')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    plain, json_out, images, drafter, lora = done.stdout.split()
    assert plain == json_out == "-"
    assert {"images", "activations.vision"} <= set(images.split(","))
    assert "speculative" in drafter.split(",")
    assert "adapters" in lora.split(",")
