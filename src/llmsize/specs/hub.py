"""The only module that talks to the Hugging Face Hub (huggingface_hub, imported lazily).

For a repo id it fetches config.json and the safetensors header metadata (exact per-dtype
parameter counts; no weights are downloaded) and returns a `HubSnapshot`. It honours HF_ENDPOINT,
HF_TOKEN (or a token saved by `hf auth login`) and HF_HOME / HF_HUB_CACHE, read when called, not
when imported. Network failures become `HubUnreachableError` so the resolver can fall back to
the cache and the bundled catalog; every other refusal becomes an LlmsizeError that says what to do.
It never prints: huggingface_hub's progress bars, log lines and warnings are silenced while it runs.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmsize.errors import ConfigError, GatedRepoError, HubError, ModelNotFoundError, one_line
from llmsize.specs.cache import DEFAULT_REVISION, HubSnapshot
from llmsize.specs.local import (
    CONFIG_FILE,
    MAX_CONFIG_BYTES,
    QUANT_SIDECAR,
    merge_modelopt_sidecar,
    read_config_json,
)
from llmsize.specs.models import CheckpointInfo
from llmsize.specs.safetensors_header import HeaderTotals, checkpoint_from_totals, header_totals

if TYPE_CHECKING:
    from huggingface_hub import HfApi
    from huggingface_hub.utils._safetensors import SafetensorsRepoMetadata

DEFAULT_ENDPOINT = "https://huggingface.co"
# Short, so a machine without network answers from the cache or catalog in seconds, not minutes.
DEFAULT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 300.0
TOTAL_TIMEOUTS = 2


class HubUnreachableError(HubError):
    """The Hub could not be reached (no network, DNS, timeout, 5xx); callers may fall back.

    `detail` is the short cause ("ConnectError at https://huggingface.co") for fallback warnings.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(f"cannot reach the Hugging Face Hub: {detail}",
                         hint="check the network, or set HF_HUB_OFFLINE=1 to use the cache and the catalog")
        self.detail = detail


class MissingConfigError(ConfigError):
    """The repo exists but has no config.json (a GGUF-only or non-transformers repo)."""


def endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def timeout_s() -> float:
    """LLMSIZE_HUB_TIMEOUT overrides the per-request timeout (seconds); a value that is not a
    positive number of at most MAX_TIMEOUT_S (-1, 0, nan, inf, text, "1_0": units.is_decimal_number's
    one rule for numbers) keeps the default."""
    from llmsize.units import is_decimal_number

    text = os.environ.get("LLMSIZE_HUB_TIMEOUT")
    if text is None or not is_decimal_number(text):
        return DEFAULT_TIMEOUT_S
    value = float(text)
    return value if 0 < value <= MAX_TIMEOUT_S else DEFAULT_TIMEOUT_S


def fetch(repo_id: str, revision: str | None = None) -> HubSnapshot:
    """config.json + safetensors header metadata of `repo_id` at `revision` (default: main).

    The whole exchange has one deadline, TOTAL_TIMEOUTS x the per-request timeout: a server that
    trickles a byte at a time, or huggingface_hub retrying, would otherwise pass every per-read
    timeout and run for minutes (issue 15). The work runs in a daemon thread that is abandoned
    when the deadline passes.
    """
    import threading
    from urllib.parse import urlsplit

    try:  # HF_ENDPOINT is the user's: a malformed one is said like an unreachable Hub, not a ValueError
        url = urlsplit(endpoint())
        valid = url.scheme in ("http", "https") and bool(url.hostname)
        _ = url.port  # a port over 65535 or not a number: a ValueError when read (urllib.parse)
        if url.hostname:
            url.hostname.encode("idna")  # a label over 63 characters: UnicodeError, a ValueError
    except ValueError:
        valid = False
    if not valid:
        raise HubUnreachableError(f"HF_ENDPOINT {endpoint()[:200]!r} is not an http(s) URL")
    deadline = TOTAL_TIMEOUTS * timeout_s()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["value"] = _fetch(repo_id, revision)
        except BaseException as err:  # handed to the caller's thread below
            box["error"] = err

    thread = threading.Thread(target=work, name="llmsize-hub", daemon=True)
    thread.start()
    thread.join(deadline)
    if thread.is_alive():
        raise HubUnreachableError(f"no complete answer from {endpoint()} within {deadline:g} s")
    if "error" in box:
        raise box["error"]
    snapshot: HubSnapshot = box["value"]
    return snapshot


def _hf_cache_dir() -> str:
    """Where huggingface_hub would cache, computed now (its own constant is frozen at import)."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "huggingface"
    )
    return os.path.join(home, "hub")


# huggingface_hub/constants.py reads these with int() when it is imported (`_as_int`): 'abc' or '1.5'
# there was a ValueError out of the import, an internal error (issue 15).
_HUB_INT_VARIABLES = ("HF_HUB_ETAG_TIMEOUT", "HF_HUB_DOWNLOAD_TIMEOUT")
# A saved token is a line of text; a device or a FIFO there would be read forever (`read_text`).
MAX_TOKEN_FILE_BYTES = 64 * 1024


def _import_hub() -> None:
    """Import huggingface_hub the way every call here needs it: environment it cannot start with said as
    an unreachable Hub (the resolver then falls back to the cache and the catalog), and nothing it prints
    on import (the HF_HUB_ENABLE_HF_TRANSFER FutureWarning, "Unknown option HF_HUB_VERBOSITY=...")."""
    import logging

    for name in _HUB_INT_VARIABLES:
        value = os.environ.get(name)
        if value is not None:
            try:
                int(value)
            except ValueError:
                raise HubUnreachableError(
                    f"${name} {value[:40]!r} is not a whole number of seconds, which huggingface_hub needs"
                ) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:  # the package is lazy (its __getattr__ imports submodules): import what is used here
            from huggingface_hub import HfApi, constants, get_hf_file_metadata  # noqa: F401
            from huggingface_hub.utils import logging as _hub_logging  # noqa: F401
        finally:
            logging.disable(logging.NOTSET)
    from llmsize.specs.hub_client import install

    install()  # every response body bounded (specs/hub_client.py)


def _token_file_readable() -> None:
    """Refuse a saved-token path that is not a small regular file before huggingface_hub reads it whole
    (HF_TOKEN_PATH=/dev/zero filled memory until the deadline; a FIFO would block)."""
    import stat

    if os.environ.get("HF_TOKEN"):
        return
    from huggingface_hub import constants

    path = constants.HF_TOKEN_PATH
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return  # absent (no saved token) or unreachable: get_token says which
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_TOKEN_FILE_BYTES:
        raise HubUnreachableError(
            f"cannot read the saved Hugging Face token: {path[:200]} is not a token file"
        )


def _refuse_malformed_token(token: str | None) -> None:
    """A token goes into the Authorization header, which HTTP sends as ASCII without control characters
    (RFC 9110 section 5.5): HF_TOKEN=é was a UnicodeEncodeError out of the request, an internal error
    (issue 15, round 17). Hub tokens are ASCII ("hf_" and letters), so such a token is said to be wrong."""
    if token is not None and not (token.isascii() and token.isprintable()):
        raise GatedRepoError(
            "the Hugging Face token (HF_TOKEN or the one `hf auth login` saved) holds characters no token has"
            " (non-ASCII or control characters)",
            hint="set a valid HF_TOKEN or run `hf auth login` again",
        )


def _fetch(repo_id: str, revision: str | None = None) -> HubSnapshot:
    _import_hub()
    from huggingface_hub import HfApi, get_hf_file_metadata, get_token, hf_hub_download, hf_hub_url

    rev = revision or DEFAULT_REVISION
    base = endpoint()
    try:
        _token_file_readable()
        token = get_token()  # HF_TOKEN, else the token `hf auth login` saved; None if neither
    except OSError as err:  # HF_HOME or XDG_CACHE_HOME naming a file: the saved token's folder is not one
        raise HubUnreachableError(f"cannot read the saved Hugging Face token: {err.strerror or err}") from err
    _refuse_malformed_token(token)
    timeout = timeout_s()
    with _quiet_hub(), _translate_errors(repo_id, rev, has_token=token is not None):
        url = hf_hub_url(repo_id, CONFIG_FILE, revision=rev, endpoint=base)
        head = get_hf_file_metadata(url, token=token, timeout=timeout)
        _refuse_oversized(head.size, f"config.json of {repo_id}@{rev}")
        commit = _commit_id(head.commit_hash)
        config_path = hf_hub_download(
            repo_id, CONFIG_FILE, revision=commit or rev, token=token, endpoint=base,
            cache_dir=_hf_cache_dir(), etag_timeout=timeout,
        )
        config = read_config_json(Path(config_path), label=f"config.json of {repo_id}@{rev}")
        if "quantization_config" not in config:
            sidecar = _modelopt_sidecar(repo_id, commit or rev, token, base, timeout)
            config = merge_modelopt_sidecar(config, sidecar) if sidecar else config
        api = HfApi(endpoint=base, token=token)
        checkpoint, notes = _checkpoint(api, repo_id, commit or rev, timeout)
    return HubSnapshot(
        repo_id=repo_id, revision=rev, commit=commit, config=config, checkpoint=checkpoint,
        notes=notes, fetched_at=time.time(),
    )


def _commit_id(value: str | None) -> str | None:
    """The commit the Hub named (X-Repo-Commit), which names the cache folder it is saved in: a git sha of
    40 hex digits. A server that sent "../../tmp/x" made huggingface_hub raise ValueError ("Invalid pointer
    path", an internal error) and one that sent an escape sequence had it printed raw (issue 15, round 19)."""
    if value is None or re.fullmatch(r"[0-9a-f]{40}", value):
        return value
    shown = one_line(repr(value), 60)
    raise HubUnreachableError(f"{endpoint()} named the commit {shown}, not a git commit id")


def _modelopt_sidecar(
    repo_id: str, revision: str, token: Any, base: str, timeout: float
) -> dict[str, Any] | None:
    """hf_quant_config.json of a ModelOpt export whose config.json has no quantization_config (vLLM reads
    it for the modelopt methods: modelopt.py ModelOptQuantConfigBase.get_config_filenames); None when
    the repo has none, so a plain repo costs one small 404."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_download, hf_hub_url
    from huggingface_hub.errors import EntryNotFoundError

    label = f"{QUANT_SIDECAR} of {repo_id}@{revision}"
    try:  # its size first (one HEAD, as hf_hub_download's own first request): see _refuse_oversized
        url = hf_hub_url(repo_id, QUANT_SIDECAR, revision=revision, endpoint=base)
        _refuse_oversized(get_hf_file_metadata(url, token=token, timeout=timeout).size, label)
        path = hf_hub_download(
            repo_id, QUANT_SIDECAR, revision=revision, token=token, endpoint=base,
            cache_dir=_hf_cache_dir(), etag_timeout=timeout,
        )
    except EntryNotFoundError:
        return None
    return read_config_json(Path(path), label=f"{QUANT_SIDECAR} of {repo_id}@{revision}")


def _refuse_oversized(size: int | None, label: str) -> None:
    """Refuse a file larger than read_config_json reads, by the size the Hub states, before downloading it.

    hf_hub_download saves the whole body into the Hugging Face cache first: a 300 MB "config.json" took
    7 s and left 300 MB there before the 8 MiB limit refused it, and a larger one would fill the disk
    until the deadline (issue 15, round 8).
    """
    if size is not None and size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{label} is {size:,} bytes, larger than the {MAX_CONFIG_BYTES >> 20} MiB a config.json can be; "
            "not downloaded",
            hint="check the repo id, or HF_ENDPOINT if it points at a mirror",
        )


def _checkpoint(
    api: HfApi, repo_id: str, revision: str, timeout: float
) -> tuple[CheckpointInfo | None, tuple[str, ...]]:
    """Header metadata of every safetensors shard; a repo without safetensors just lacks it."""
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HFValidationError,
        NotASafetensorsRepoError,
        SafetensorsParsingError,
    )

    try:
        meta = api.get_safetensors_metadata(repo_id, revision=revision, timeout=timeout)
    except EntryNotFoundError:
        # config.json was read: the file the Hub lacks is a shard the index lists (hf_api.py
        # get_safetensors_metadata reads each), which _translate_errors said as "no config.json" (round 15)
        return None, ("a safetensors shard listed in the repo's model.safetensors.index.json is missing; "
                      "exact checkpoint counts skipped",)
    except NotASafetensorsRepoError:
        return None, ("the repo has no safetensors checkpoint; parameter counts come from config.json alone",)
    except SafetensorsParsingError as err:
        return None, (f"the repo's safetensors headers could not be parsed ({err}); counts from config.json",)
    except HFValidationError:
        raise  # a bad repo id or revision: _translate_errors says so
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError) as err:
        # huggingface_hub parses the headers and the shard index itself (hf_api.py get_safetensors_metadata,
        # parse_safetensors_file_metadata) and trusts their shapes: a header nested 100,000 deep, a shape
        # of 5,000 digits or of "x", a weight_map that is a list or names a shard by a number escaped as
        # RecursionError / ValueError / TypeError (internal errors, issue 15 round 11). Read like a header
        # it reports as unparsable.
        why = f"{type(err).__name__} in huggingface_hub"
        return None, (f"the repo's safetensors headers could not be parsed ({why}); counts from config.json",)
    return checkpoint_from_totals(_totals(repo_id, meta)), ()


def _totals(repo_id: str, meta: SafetensorsRepoMetadata) -> Iterator[HeaderTotals]:
    """Each shard's header, as huggingface_hub parsed it, through the same checks as a local file's."""
    for filename, file_meta in meta.files_metadata.items():
        header = {  # a shape or offsets that are no list (null in the header) go as they are, to be refused
            name: {"dtype": info.dtype, "shape": _as_list(info.shape),
                   "data_offsets": _as_list(info.data_offsets)}
            for name, info in file_meta.tensors.items()
        }
        yield header_totals(header, f"{filename} of {repo_id}")


def _as_list(value: Any) -> Any:
    return list(value) if isinstance(value, list | tuple) else value


@contextmanager
def _quiet_hub() -> Iterator[None]:
    """No progress bars, log lines or Python warnings from huggingface_hub: llmsize never prints here."""
    from logging import ERROR  # here, with huggingface_hub: not on every catalog lookup (issue 15)

    from huggingface_hub.utils import logging
    from huggingface_hub.utils.tqdm import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bars_were_off = are_progress_bars_disabled()
        verbosity = logging.get_verbosity()
        disable_progress_bars()
        logging.set_verbosity(ERROR)
        try:
            yield
        finally:
            logging.set_verbosity(verbosity)
            if not bars_were_off:
                enable_progress_bars()


@contextmanager
def _translate_errors(repo_id: str, revision: str, *, has_token: bool) -> Iterator[None]:
    """huggingface_hub / transport exceptions -> one LlmsizeError with what to do next."""
    import httpx2
    from huggingface_hub import errors as hf

    try:
        yield
    except hf.GatedRepoError as err:
        raise _gated(repo_id, has_token) from err
    except hf.RevisionNotFoundError as err:
        raise ModelNotFoundError(
            f"revision {revision!r} of {repo_id} does not exist on the Hub",
            hint="pass a branch, tag or commit sha that exists, or leave --revision out for main",
        ) from err
    except hf.RemoteEntryNotFoundError as err:
        raise MissingConfigError(
            f"{repo_id} on the Hub has no {CONFIG_FILE}",
            hint="pass a local config.json or a .gguf file, or a repo that holds a transformers checkpoint",
        ) from err
    except hf.RepositoryNotFoundError as err:
        raise ModelNotFoundError(
            f"{repo_id} was not found on the Hub",
            hint="check the repo id; a private repo also needs HF_TOKEN",
        ) from err
    except hf.OfflineModeIsEnabled as err:
        raise HubUnreachableError("huggingface_hub is in offline mode (HF_HUB_OFFLINE)") from err
    except hf.HfHubHTTPError as err:
        status = err.response.status_code if err.response is not None else 0
        if status == 401 and has_token:
            raise GatedRepoError(
                f"the Hub rejected the token for {repo_id} (HTTP 401)",
                hint="set a valid HF_TOKEN or run `hf auth login` again",
            ) from err
        if status == 401:
            raise GatedRepoError(
                f"{repo_id} needs a Hugging Face token (HTTP 401): it is private or gated, or does not exist",
                hint="set HF_TOKEN or run `hf auth login`, or check the repo id",
            ) from err
        if status == 403:
            raise GatedRepoError(
                f"access to {repo_id} is forbidden with this token (HTTP 403)",
                hint="request access on the model page, then use a token with read access",
            ) from err
        if status == 429 or status >= 500 or status == 0:
            raise HubUnreachableError(f"HTTP {status} from {endpoint()}") from err
        raise HubError(f"the Hub refused {repo_id}@{revision} (HTTP {status})") from err
    except hf.HFValidationError as err:
        raise ModelNotFoundError(
            f"{repo_id!r} is not a valid Hub repo id",
            hint="use the form org/name, e.g. Qwen/Qwen2.5-7B",
        ) from err
    except httpx2.DecodingError as err:  # specs/hub_client.py: a body too large, or compressed unasked
        raise HubUnreachableError(f"{endpoint()}: {one_line(str(err), 200)}") from err
    except (httpx2.RequestError, OSError) as err:  # transport errors, TooManyRedirects, decoding
        raise HubUnreachableError(f"{type(err).__name__} at {endpoint()}") from err
    except httpx2.InvalidURL as err:  # a malformed HTTP(S)_PROXY ("::::") is read when the client starts
        detail = f"an invalid URL on the way to {endpoint()} (check HTTP(S)_PROXY): {err}"
        raise HubUnreachableError(detail) from err


def _gated(repo_id: str, has_token: bool) -> GatedRepoError:
    if has_token:
        return GatedRepoError(
            f"{repo_id} is a gated repo and your token has not been granted access",
            hint=f"accept the license at {endpoint()}/{repo_id} with the account the token belongs to",
        )
    return GatedRepoError(
        f"{repo_id} is a gated repo and no Hugging Face token is set",
        hint=f"accept the license at {endpoint()}/{repo_id}, then set HF_TOKEN or run `hf auth login`",
    )
