"""The HTTP client huggingface_hub uses for llmsize: its own, with every response body bounded.

huggingface_hub holds what it reads whole: `hf_hub_download` streams config.json into the cache with no
limit but the size it checks after the end (file_download.py http_get), and the safetensors header is read
as `response.content` (hf_api.py get_safetensors_metadata). A server that ignores `Range` and sends 4 GB, or
a config.json of 2 MB gzip that inflates to 2 GB, grew the process by hundreds of MB or filled the cache
on disk until the deadline of specs/hub.fetch (issue 15, round 19: 346 MB RSS and 221 MB on disk in 10 s).

Every request asks for the body uncompressed (`Accept-Encoding: identity`, as huggingface_hub's own HEAD
requests do: file_download.py get_hf_file_metadata); a gzip or deflate body a server sends anyway is
inflated here, in pieces, and counted; and no response may hold more than MAX_RESPONSE_BYTES once
decoded, far above any config.json, shard index or safetensors header (huggingface_hub refuses a header over
constants.SAFETENSORS_MAX_HEADER_LENGTH, 25 MB). Past it the read fails as a transport error, which the
caller says as an unreachable Hub (and falls back to the cache and the catalog). The client is otherwise
huggingface_hub's own (utils/_http.py default_client_factory: its request hook, redirects, proxies).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import httpx2  # huggingface_hub's HTTP library; this module is imported only when the Hub is asked

MAX_RESPONSE_BYTES = 64 << 20
_PIECE = 1 << 20  # inflated at most this much at a time


def install() -> None:
    """Make huggingface_hub build its shared client with the bounds (once per process)."""
    global _installed
    if _installed:
        return
    from huggingface_hub import set_client_factory

    set_client_factory(bounded_client)
    _installed = True


_installed = False


def bounded_client() -> Any:
    from huggingface_hub.utils._http import default_client_factory

    client = default_client_factory()
    hooks = client.event_hooks
    client.event_hooks = {"request": [*hooks.get("request", []), _ask_identity],
                          "response": [*hooks.get("response", []), _bound]}  # fmt: skip
    return client


def _ask_identity(request: Any) -> None:
    request.headers["Accept-Encoding"] = "identity"


def _bound(response: Any) -> None:
    """Replace the body stream, before anything reads it, by one that inflates here and counts."""
    named = response.headers.get("Content-Encoding", "").lower().split(",")
    codings = [c.strip() for c in named if c.strip() not in ("", "identity")]
    if any(c not in ("gzip", "x-gzip", "deflate") for c in codings) or len(codings) > 1:
        raise httpx2.DecodingError(
            f"the server sent a body encoded as {', '.join(codings)!r}, asked for it uncompressed")
    if codings:
        del response.headers["Content-Encoding"]  # inflated below: httpx must not inflate it again
        response.headers.pop("Content-Length", None)  # the compressed length, not the body's
    response.stream = _BoundedStream(response.stream, codings[0] if codings else None)


class _BoundedStream(httpx2.SyncByteStream):
    """The raw body, inflated when `coding` says so, failing past MAX_RESPONSE_BYTES."""

    def __init__(self, inner: Any, coding: str | None) -> None:
        self._inner = inner
        # 47 = 32 + 15: zlib or gzip framing, read from the header (deflate is zlib-framed, RFC 9110 8.4.1.2)
        self._inflate = zlib.decompressobj(47) if coding else None
        self._seen = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            yield from self._count(self._inflated(chunk) if self._inflate else (chunk,))
        if self._inflate is not None:
            yield from self._count((self._inflate.flush(),))

    def _inflated(self, chunk: bytes) -> Iterator[bytes]:
        assert self._inflate is not None
        data = chunk
        while True:  # at most _PIECE bytes at a time: 2 MB of gzip can hold 2 GB of zeros
            try:
                piece = self._inflate.decompress(data, _PIECE)
            except zlib.error as err:
                raise httpx2.DecodingError(f"the server's compressed body is broken: {err}") from None
            yield piece
            data = self._inflate.unconsumed_tail
            if not data and len(piece) < _PIECE:
                return

    def _count(self, pieces: Iterator[bytes] | tuple[bytes, ...]) -> Iterator[bytes]:
        for piece in pieces:
            self._seen += len(piece)
            if self._seen > MAX_RESPONSE_BYTES:
                self.close()
                raise httpx2.DecodingError(
                    f"the server sent more than {MAX_RESPONSE_BYTES >> 20} MiB for one file, more than "
                    "llmsize reads (a config.json, a shard index or a safetensors header)")
            if piece:
                yield piece

    def close(self) -> None:
        self._inner.close()
