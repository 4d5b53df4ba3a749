"""llama.cpp's K and V cache types, which it sets apart (-ctk / -ctv, each f16 when not given:
common/common.h `cache_type_k` / `cache_type_v` GGML_TYPE_F16; llama-kv-cache.cpp makes the K and V tensors
with their own types).

llmsize's estimate takes one KV type. `-ctk q8_0` alone was sized with V at q8_0 too (V stays f16 in
llama.cpp) and `-ctv q8_0` alone was dropped (issue 15, check audit). When the two differ the cache is
sized with both at the wider type, which over-states the smaller half, and that is said.
"""

from __future__ import annotations

from fractions import Fraction

from llmsize.preflight.setup import Setup

# bytes per element (ggml block size / values per block: ggml.c type_traits)
_WIDTH = {
    "f32": Fraction(4), "fp32": Fraction(4), "f16": Fraction(2), "fp16": Fraction(2), "bf16": Fraction(2),
    "q8_0": Fraction(34, 32), "q4_0": Fraction(18, 32),
}
DEFAULT = "f16"


def kv_type(setup: Setup) -> str | None:
    """The one KV type to size llama.cpp's cache with; None when neither -ctk nor -ctv was given."""
    k, v = setup.get("cache_type_k"), setup.get("cache_type_v")
    if k is None and v is None:
        return None
    k, v = str(k or DEFAULT), str(v or DEFAULT)
    if k == v or k not in _WIDTH or v not in _WIDTH:
        return k if k == v or k not in _WIDTH else v
    wider = k if _WIDTH[k] >= _WIDTH[v] else v
    setup.ignored.append(f"-ctk {k} -ctv {v} (K and V types differ: the KV cache is sized with both at "
                         f"{wider})")
    return wider
