"""Make a CPU trace on fake tensors allocate what a CUDA run on real data does.

Split out of tracer.py: the places where CPU torch or a fake tensor would take another path than a
GPU run (dropout's kernel, data-dependent checks). torch and transformers are imported inside.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def real_data_shims() -> Iterator[None]:
    """Answer the few data-dependent questions the code asks as real data would answer them.

    - AdamW reads its step counter with `.item()`, which a fake tensor cannot answer; the value
      does not change any allocation.
    - transformers' `find_packed_sequence_indices` (masking_utils.py) cannot look at fake
      position ids, so it assumes packed sequences and materialises a 4D mask; our inputs are one
      sequence per row (positions 0..n-1), for which it returns None on real data.
    """
    import torch.optim.adam as adam_module
    import transformers.masking_utils as masking
    from torch._subclasses.fake_tensor import FakeTensor

    original_value: Any = getattr(adam_module, "_get_value")  # noqa: B009 (private, untyped)
    original_packed: Any = masking.find_packed_sequence_indices

    def _value(x: Any) -> Any:
        return 1.0 if isinstance(x, FakeTensor) else original_value(x)

    def _not_packed(position_ids: Any) -> Any:
        return None if isinstance(position_ids, FakeTensor) else original_packed(position_ids)

    setattr(adam_module, "_get_value", _value)  # noqa: B010
    masking.find_packed_sequence_indices = _not_packed
    try:
        yield
    finally:
        setattr(adam_module, "_get_value", original_value)  # noqa: B010
        masking.find_packed_sequence_indices = original_packed


@contextlib.contextmanager
def gpu_dropout() -> Iterator[None]:
    """Dropout as CUDA runs it: `native_dropout`, which keeps a bool mask for backward.

    On CPU, aten `dropout` multiplies by a noise tensor in the input dtype and keeps it
    (`_dropout_impl`); on CUDA `is_fused_kernel_acceptable` sends it to `native_dropout`, whose
    backward needs only the 1-byte mask (aten/src/ATen/native/Dropout.cpp).
    """
    import torch
    import torch.nn.functional as F

    original = F.dropout

    def _dropout(input: Any, p: float = 0.5, training: bool = True, inplace: bool = False) -> Any:
        if training and 0.0 < p < 1.0 and not inplace and input.numel() > 0:
            return torch.native_dropout(input, p, True)[0]
        return original(input, p, training, inplace)

    F.dropout = _dropout
    try:
        yield
    finally:
        F.dropout = original
