"""A tiny stand-in for the Hugging Face Hub on 127.0.0.1, for tests that run real huggingface_hub code.

It serves what huggingface_hub 2.x asks for when llmsize resolves a repo id:
- HEAD /{repo}/resolve/{revision}/{file}: metadata (X-Repo-Commit, ETag, Content-Length), used by
  `get_hf_file_metadata`, `file_exists` and `hf_hub_download`;
- GET the same URL, whole or with `Range: bytes=a-b` (206): `hf_hub_download` and
  `parse_safetensors_file_metadata` (first 100,000 bytes, then the rest of a long header).
Errors carry the headers huggingface_hub's `hf_raise_for_status` reads (X-Error-Code, X-Error-Message):
RepoNotFound (404), RevisionNotFound (404), EntryNotFound (404) and GatedRepo (401 without a token,
403 with a token that was not granted access). Every request is logged for assertions.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import struct
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

VALID_TOKEN = "hf_llmsize_test_token"

# Bytes per element of the safetensors dtypes the tests use (safetensors format spec).
_ELEMENT_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1}


def safetensors_bytes(
    tensors: Mapping[str, tuple[str, Sequence[int]]], metadata: Mapping[str, str] | None = None
) -> bytes:
    """A real safetensors file: 8-byte length, JSON header, then zeroed tensor data."""
    header: dict[str, object] = {}
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    offset = 0
    for name, (dtype, shape) in tensors.items():
        n = _ELEMENT_BYTES[dtype]
        for d in shape:
            n *= d
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)  # the format pads the header with spaces to an 8-byte boundary
    return struct.pack("<Q", len(raw)) + raw + bytes(offset)


@dataclass
class FakeRepo:
    repo_id: str
    files: dict[str, bytes]
    gated: bool = False
    # "redirect-loop", "trickle", "401", "html" or "status-NNN" (every request answered NNN): a broken Hub or
    # proxy, a private repo; "gzip-bomb" (every file 0.5 MB of gzip that inflates to 512 MiB), "ignore-range"
    # (a ranged GET answered 200 with 256 MiB), "commit:VALUE" (VALUE as X-Repo-Commit): a hostile server
    fault: str | None = None
    branches: tuple[str, ...] = ("main",)
    commit: str = field(default="")

    def __post_init__(self) -> None:
        if not self.commit:
            self.commit = hashlib.sha1(self.repo_id.encode()).hexdigest()  # 40 hex, like a git sha


@dataclass
class Request:
    method: str
    path: str
    range: str | None
    authorized: bool


class HubServer:
    """Threaded HTTP server on a free loopback port; `url` goes into HF_ENDPOINT."""

    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        # A short poll interval so shutdown() (once per test) returns quickly.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_repo(
        self, repo_id: str, files: Mapping[str, bytes | str | dict[str, object]], **kw: object
    ) -> FakeRepo:
        """Serve `files` (bytes as they are, str encoded, dicts as JSON) under `repo_id`."""
        encoded = {name: _encode(body) for name, body in files.items()}
        if kw.get("fault") == "gzip-bomb":
            _gzip_bomb()  # made now, not inside the first request's timeout
        repo = FakeRepo(repo_id, encoded, **kw)  # type: ignore[arg-type]
        self.repos[repo_id.lower()] = repo
        return repo

    def log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> HubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()


def _encode(body: bytes | str | dict[str, object]) -> bytes:
    if isinstance(body, bytes):
        return body
    return (body if isinstance(body, str) else json.dumps(body)).encode()


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")


def _make_handler(server: HubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def _error(self, status: int, code: str, message: str) -> None:
            self.send_response(status)
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _serve(self, *, send_body: bool) -> None:
            auth = self.headers.get("Authorization", "")
            authorized = auth == f"Bearer {VALID_TOKEN}"
            server.log(Request(self.command, self.path, self.headers.get("Range"), authorized))
            m = _RESOLVE.match(self.path.split("?")[0])
            repo = server.repos.get(unquote(m["repo"]).lower()) if m else None
            if m is None or repo is None:
                return self._error(404, "RepoNotFound", "Repository not found")
            if repo.gated and not authorized:
                if auth:
                    return self._error(403, "GatedRepo", f"Access to model {repo.repo_id} is restricted.")
                return self._error(
                    401, "GatedRepo",
                    f"Access to model {repo.repo_id} is restricted. You must have access to it and be "
                    "authenticated to access it. Please log in.",
                )
            if repo.fault == "redirect-loop":
                self.send_response(302)
                self.send_header("Location", self.path)
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if repo.fault == "trickle":
                return self._trickle()
            if repo.fault == "gzip-bomb" or (repo.fault == "ignore-range" and self.headers.get("Range")):
                return self._flood(repo, gzip=repo.fault == "gzip-bomb", send_body=send_body)
            if repo.fault is not None and repo.fault.startswith("status-"):  # a failing Hub or proxy
                status = int(repo.fault.removeprefix("status-"))
                self.send_response(status)
                self.send_header("Retry-After", "3600")  # a rate limit that asks for an hour's wait
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if repo.fault == "html":  # a captive portal or login page answering every URL with 200
                return self._send_file(repo, b"<!doctype html><html><body>Sign in</body></html>", send_body)
            if repo.fault == "401" and not authorized:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                return self.end_headers()
            rev = unquote(m["rev"])
            if rev not in repo.branches and rev != repo.commit:
                return self._error(404, "RevisionNotFound", f"Invalid rev id: {rev}")
            body = repo.files.get(unquote(m["file"]))
            if body is None:
                return self._error(404, "EntryNotFound", "Entry not found")
            self._send_file(repo, body, send_body)

        def _trickle(self) -> None:
            """Answer a byte at a time, each well inside any per-read timeout, for minutes."""
            import time

            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100_000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass

        def _flood(self, repo: FakeRepo, *, gzip: bool, send_body: bool) -> None:
            """512 MiB of zeros as 0.5 MB of gzip, or 256 MiB sent plain whatever the Range asked."""
            body = _gzip_bomb() if gzip else None
            self.send_response(200)
            self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("ETag", '"flood"')
            if gzip:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body) if body is not None else 256 << 20))
            self.end_headers()
            if not send_body:
                return
            try:
                if body is not None:
                    self.wfile.write(body)
                else:
                    for _ in range(256):
                        self.wfile.write(bytes(1 << 20))
            except OSError:  # the client hung up once it had read its bound
                pass

        def _send_file(self, repo: FakeRepo, body: bytes, send_body: bool) -> None:
            status, chunk, extra = 200, body, {}
            wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if wanted and self.command == "GET":
                start = int(wanted[1])
                end = min(int(wanted[2]) if wanted[2] else len(body) - 1, len(body) - 1)
                status, chunk = 206, body[start : end + 1]
                extra["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            self.send_response(status)
            fault = repo.fault or ""
            commit = fault.removeprefix("commit:") if fault.startswith("commit:") else repo.commit
            self.send_header("X-Repo-Commit", commit)
            self.send_header("ETag", f'"{hashlib.sha256(body).hexdigest()}"')
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(chunk)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            if send_body:
                self.wfile.write(chunk)

    return Handler


@functools.cache
def _gzip_bomb() -> bytes:
    """512 MiB of zeros, gzip-compressed (about 0.5 MB): eight times what the client reads of one response."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(512)) + packer.flush()


@contextmanager
def serve_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """Start a HubServer and point HF_ENDPOINT at it for the duration."""
    server = HubServer().start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()


# A real Llama config.json layout with tiny numbers (fields as in meta-llama/Llama-3.2-1B's config.json).
TINY_LLAMA_CONFIG: dict[str, object] = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "head_dim": 16,
    "vocab_size": 256,
    "max_position_embeddings": 128,
    "tie_word_embeddings": False,
    "attention_bias": False,
    "mlp_bias": False,
    "hidden_act": "silu",
    "rms_norm_eps": 1e-5,
    "torch_dtype": "bfloat16",
}
# Hand count for TINY_LLAMA_CONFIG: embed 256*64 = 16,384; per layer q 64*64 + k 64*32 + v 64*32 + o 64*64
# = 12,288, gate/up/down 3*64*128 = 24,576, two norms 128 -> 36,992; x2 = 73,984; final norm 64;
# lm_head 16,384. Total 106,816.
TINY_LLAMA_PARAMS = 106_816


def llama_tensors(config: Mapping[str, object], dtype: str = "BF16") -> dict[str, tuple[str, list[int]]]:
    """The tensor names and shapes transformers' LlamaForCausalLM saves for `config`."""
    def num(key: str) -> int:
        return int(str(config[key]))

    h, inter, heads, kv = num("hidden_size"), num("intermediate_size"), num("num_attention_heads"), num(
        "num_key_value_heads"
    )
    hd = num("head_dim") if "head_dim" in config else h // heads
    vocab, layers = num("vocab_size"), num("num_hidden_layers")
    out: dict[str, tuple[str, list[int]]] = {"model.embed_tokens.weight": (dtype, [vocab, h])}
    for i in range(layers):
        p = f"model.layers.{i}."
        out |= {
            p + "self_attn.q_proj.weight": (dtype, [heads * hd, h]),
            p + "self_attn.k_proj.weight": (dtype, [kv * hd, h]),
            p + "self_attn.v_proj.weight": (dtype, [kv * hd, h]),
            p + "self_attn.o_proj.weight": (dtype, [h, heads * hd]),
            p + "mlp.gate_proj.weight": (dtype, [inter, h]),
            p + "mlp.up_proj.weight": (dtype, [inter, h]),
            p + "mlp.down_proj.weight": (dtype, [h, inter]),
            p + "input_layernorm.weight": (dtype, [h]),
            p + "post_attention_layernorm.weight": (dtype, [h]),
        }
    out["model.norm.weight"] = (dtype, [h])
    if not config.get("tie_word_embeddings"):
        out["lm_head.weight"] = (dtype, [vocab, h])
    return out
