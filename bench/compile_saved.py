"""What torch.compile's partitioner keeps from a decoder block, measured on the CPU (issue 14).

Runs one bf16 Llama block of a small config eager and under torch.compile with the backends
given (default: aot_eager_decomp_partition, the partitioner without code generation; add
`inductor` when a C++ compiler is present, ~1 minute on two cores) and prints the bytes autograd
keeps per token (`llmsize.measure.saved_tensors.block_saved_bytes`), beside the estimator's walk
of the same block. The numbers back estimate/compiled_blocks.py.

Run: python bench/compile_saved.py [inductor]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "trace"))

from test_compiled_block import CONFIG, B, S, _walk_saved  # noqa: E402

from llmsize.measure.saved_tensors import block_saved_bytes  # noqa: E402


def main() -> None:
    tokens = B * S
    backends = ["aot_eager_decomp_partition", *sys.argv[1:]]
    print(f"Llama block, hidden {CONFIG['hidden_size']}, intermediate {CONFIG['intermediate_size']}, bf16")
    print("| run | saved B/token | llmsize walk B/token |")
    print("|---|---:|---:|")
    eager = block_saved_bytes(CONFIG, batch=B, seq=S)
    print(f"| eager | {eager / tokens:,.0f} | {_walk_saved(False) / tokens:,.0f} |")
    for backend in backends:
        got = block_saved_bytes(CONFIG, batch=B, seq=S, backend=backend)
        print(f"| torch.compile ({backend}) | {got / tokens:,.0f} | {_walk_saved(True) / tokens:,.0f} |")


if __name__ == "__main__":
    main()
