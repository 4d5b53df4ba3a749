"""Ollama's Vulkan runner by release (ollama/ollama tags, envconfig/config.go EnableVulkan)."""

from __future__ import annotations

from llmsize.estimate.engines.ollama_vulkan_release import vulkan_release_note


def test_before_v0_12_11_there_is_no_vulkan_runner() -> None:
    # v0.12.10's envconfig has no OLLAMA_VULKAN; v0.12.11 adds it (PR #12931).
    note = vulkan_release_note((0, 12, 10))
    assert note is not None and "no Vulkan runner" in note


def test_v0_12_11_to_v0_24_need_the_opt_in() -> None:
    # v0.12.11 and v0.24.0: EnableVulkan = Bool("OLLAMA_VULKAN"), off unless set.
    for release in ((0, 12, 11), (0, 24, 0)):
        note = vulkan_release_note(release)
        assert note is not None and "OLLAMA_VULKAN=1" in note


def test_from_v0_30_vulkan_is_on_and_nothing_is_said() -> None:
    # v0.30.0 (PR #16031): EnableVulkan = BoolWithDefault("OLLAMA_VULKAN"); an unstated release is current.
    assert vulkan_release_note((0, 30, 0)) is None
    assert vulkan_release_note(None) is None
