"""Which Ollama releases run ggml's Vulkan backend (the only one Ollama has for Intel GPUs), and how.

Read in ollama/ollama's tags (envconfig/config.go, `EnableVulkan`):
- before v0.12.11 there is no OLLAMA_VULKAN setting and no Vulkan runner: an Intel GPU is not used
  and the model runs on the CPU (v0.12.10's config.go has no Vulkan entry);
- v0.12.11 (PR #12931, "Enable Vulkan with a temporary opt-in setting") through the last release
  before v0.30.0 (v0.24.0 among them): `EnableVulkan = Bool("OLLAMA_VULKAN")`, off unless set;
- from v0.30.0 (PR #16031): `EnableVulkan = BoolWithDefault("OLLAMA_VULKAN")`, on when installed.
"""

from __future__ import annotations

OPT_IN = (0, 12, 11)
ON_BY_DEFAULT = (0, 30, 0)


def vulkan_release_note(release: tuple[int, int, int] | None) -> str | None:
    """A report line when the Ollama release asked for runs Vulkan unlike the current one (None: alike)."""
    if release is None or release >= ON_BY_DEFAULT:
        return None
    label = ".".join(str(p) for p in release)
    if release < OPT_IN:
        return (f"Ollama {label} has no Vulkan runner (added in v0.12.11): on an Intel GPU, or with "
                "--backend vulkan, it runs the model on the CPU; the Vulkan speed quoted needs v0.12.11+")
    return (f"Ollama {label} runs its Vulkan backend (Intel GPUs' only one) only with OLLAMA_VULKAN=1 "
            "(envconfig EnableVulkan, off by default before v0.30.0); without it the model runs on the CPU")
