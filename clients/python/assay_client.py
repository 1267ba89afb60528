"""Assay client: call an `assay serve` reward server from Python. Standard library only, one file.

Server address: the ``url`` keyword, else $ASSAY_URL, else http://127.0.0.1:8787.
Spec name: the ``spec`` keyword, else $ASSAY_SPEC, else the server's default spec.
Bearer token: the ``token`` keyword, else $ASSAY_TOKEN.
What a failed reward (status error/timeout) scores: the ``on_error`` keyword, else $ASSAY_ON_ERROR, else
``null`` (None). Assay never turns a failure into 0 unless you ask for it (``on_error="zero"``).

verl (custom reward function; works with the naive and the batch reward managers)::

    custom_reward_function.path=clients/python/assay_client.py
    custom_reward_function.name=compute_score          # or compute_score_batch with reward_model.reward_manager=batch

TRL (GRPOTrainer)::

    from assay_client import trl_reward
    trainer = GRPOTrainer(..., reward_funcs=[trl_reward(reference_key="solution")])

OpenRLHF needs no client: ``--remote_rm_url http://127.0.0.1:8787/get_reward`` (add ``?onError=zero`` if
you accept failures as 0, ``?spec=NAME`` to pick a spec).

Retries: only on 429, 5xx, connection errors and timeouts, with jittered exponential backoff (honouring
Retry-After). A 4xx other than 429 is the caller's mistake and is raised at once as AssayError.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional, Sequence

__all__ = [
    "AssayClient",
    "AssayError",
    "compute_score",
    "compute_score_async",
    "compute_score_batch",
    "trl_reward",
]

DEFAULT_URL = "http://127.0.0.1:8787"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class AssayError(Exception):
    """A request that failed for good: a 4xx, or retries exhausted. ``status`` is None for connection errors."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


def _jsonable(value: Any) -> Any:
    """numpy arrays and scalars (as verl hands them over) become plain lists and numbers."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class AssayClient:
    """A thread-safe client; each thread keeps one persistent (keep-alive) connection."""

    def __init__(
        self,
        url: Optional[str] = None,
        spec: Optional[str] = None,
        token: Optional[str] = None,
        on_error: Any = None,
        timeout: float = 300.0,
        retries: int = 6,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_workers: int = 16,
    ):
        self.url = (url or os.environ.get("ASSAY_URL") or DEFAULT_URL).rstrip("/")
        parts = urllib.parse.urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url: expected http(s)://host[:port], got {self.url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path
        self.spec = spec or os.environ.get("ASSAY_SPEC") or None
        self.token = token or os.environ.get("ASSAY_TOKEN") or None
        self.on_error = on_error if on_error is not None else os.environ.get("ASSAY_ON_ERROR") or None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._local = threading.local()
        self._max_workers = max_workers
        self._pool: Optional[ThreadPoolExecutor] = None
        self._pool_lock = threading.Lock()

    # -- transport -----------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _sleep_before_retry(self, attempt: int, retry_after: Optional[str]) -> None:
        # Full jitter spreads the retries of many workers apart; Retry-After is a floor.
        delay = random.uniform(0, min(self.max_backoff, self.backoff * (2**attempt)))
        try:
            delay += float(retry_after) if retry_after else 0.0
        except ValueError:
            pass
        time.sleep(delay)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        """Send one request, retrying transient failures; returns the decoded JSON body."""
        payload = None if body is None else json.dumps(_jsonable(body)).encode()
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last = "no attempt made"
        for attempt in range(self.retries + 1):
            try:
                conn = self._connection()
                conn.request(method, self._prefix + path, body=payload, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if resp.getheader("connection", "").lower() == "close":
                    self._drop_connection()
            except (OSError, http.client.HTTPException) as err:  # refused, reset, timed out, bad status line
                self._drop_connection()
                last = f"{type(err).__name__}: {err}"
                if attempt < self.retries:
                    self._sleep_before_retry(attempt, None)
                    continue
                raise AssayError(f"{method} {self.url}{path}: {last} (after {attempt + 1} attempts)") from err
            if resp.status in RETRY_STATUSES and attempt < self.retries:
                last = f"HTTP {resp.status}"
                self._sleep_before_retry(attempt, resp.getheader("retry-after"))
                continue
            if resp.status >= 400:
                try:
                    message = json.loads(data).get("error", "")
                except (ValueError, AttributeError):
                    message = data.decode(errors="replace")[:500]
                raise AssayError(f"{method} {self.url}{path}: HTTP {resp.status}: {message}", resp.status)
            return json.loads(data)
        raise AssayError(f"{method} {self.url}{path}: {last} (after {self.retries + 1} attempts)")

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._max_workers, thread_name_prefix="assay")
            return self._pool

    async def _in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), lambda: fn(*args, **kwargs))

    # -- API -----------------------------------------------------------------------------------------

    def _scoring_body(self, samples: Sequence[dict], spec, on_error, step, timeout_ms, **extra) -> dict:
        body: dict = {"samples": list(samples), **extra}
        spec = spec or self.spec
        on_error = on_error if on_error is not None else self.on_error
        if spec:
            body["spec"] = spec
        if on_error is not None:
            body["onError"] = on_error
        if step is not None:
            body["step"] = int(step)
        if timeout_ms is not None:
            body["timeoutMs"] = int(timeout_ms)
        return body

    def score(self, samples: Sequence[dict], spec=None, on_error=None, step=None, timeout_ms=None) -> list:
        """One RewardResult dict per sample, in order (``score``, ``status``, ``components``, ``reason``…)."""
        if not samples:
            return []
        body = self._scoring_body(samples, spec, on_error, step, timeout_ms)
        return self.request("POST", "/v1/score", body)["results"]

    def groups(self, samples: Sequence[dict], method=None, spec=None, on_error=None, step=None, timeout_ms=None, **options) -> dict:
        """Results plus per-group statistics, and advantages when ``method`` is given (grpo, rloo…)."""
        extra = {k: v for k, v in options.items() if v is not None}
        if method:
            extra["method"] = method
        body = self._scoring_body(samples, spec, on_error, step, timeout_ms, **extra)
        return self.request("POST", "/v1/groups", body)

    def specs(self) -> dict:
        return self.request("GET", "/v1/specs")

    def health(self) -> dict:
        return self.request("GET", "/health")

    async def ascore(self, samples: Sequence[dict], **kwargs: Any) -> list:
        return await self._in_thread(self.score, samples, **kwargs)

    async def agroups(self, samples: Sequence[dict], **kwargs: Any) -> dict:
        return await self._in_thread(self.groups, samples, **kwargs)

    def close(self) -> None:
        self._drop_connection()
        if self._pool is not None:
            self._pool.shutdown(wait=False)


# -- verl ------------------------------------------------------------------------------------------------

_clients: dict = {}
_clients_lock = threading.Lock()


def _shared_client(url=None, spec=None, token=None, on_error=None) -> AssayClient:
    key = (url, spec, token, on_error, os.environ.get("ASSAY_URL"), os.environ.get("ASSAY_SPEC"))
    with _clients_lock:
        if key not in _clients:
            _clients[key] = AssayClient(url=url, spec=spec, token=token, on_error=on_error)
        return _clients[key]


def _flatten(components: Sequence[dict], prefix: str = "") -> dict:
    out: dict = {}
    for c in components or []:
        key = prefix + c["name"]
        n = 2
        while key in out:
            key = f"{prefix}{c['name']}#{n}"
            n += 1
        out[key] = c.get("score")
        out.update(_flatten(c.get("components") or [], key + "."))
    return out


# verl collects every key of the returned dicts into per-sample lists, so every sample of a spec must carry
# the same keys: remember the component names seen per spec and fill the missing ones with None.
_component_keys: dict = {}


def _verl_dict(result: dict, spec_key: Any) -> dict:
    components = _flatten(result.get("components") or [])
    keys = _component_keys.setdefault(spec_key, [])
    for k in components:
        if k not in keys:
            keys.append(k)
    out = {"score": result.get("score")}
    out.update({k: components.get(k) for k in keys if k != "score"})
    out["assay_failed"] = 0 if result.get("status") in ("ok", "skipped") else 1
    return out


def _verl_sample(data_source, solution_str, ground_truth, extra_info) -> dict:
    sample: dict = {"response": solution_str}
    if ground_truth is not None:
        sample["reference"] = ground_truth
    if data_source is not None:
        sample["source"] = str(data_source)
    if isinstance(extra_info, dict):
        if isinstance(extra_info.get("index"), (int, str)):
            sample["id"] = str(extra_info["index"])
        if isinstance(extra_info.get("question"), str):
            sample["prompt"] = extra_info["question"]
    return sample


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, url=None, spec=None, token=None, on_error=None, **_kw) -> list:
    """verl's batch reward manager: one request for the whole batch; a list of dicts with ``score``."""
    client = _shared_client(url, spec, token, on_error)
    extra_infos = extra_infos if extra_infos is not None else [None] * len(solution_strs)
    samples = [_verl_sample(d, s, g, e) for d, s, g, e in zip(data_sources, solution_strs, ground_truths, extra_infos)]
    return [_verl_dict(r, client.spec) for r in client.score(samples)]


def compute_score(data_source=None, solution_str=None, ground_truth=None, extra_info=None, url=None, spec=None, token=None, on_error=None, **kw):
    """verl's ``compute_score``: ``{"score": …, <component>: …, "assay_failed": 0|1}``.

    Called with the plural keywords of verl's batch manager (``solution_strs=…``), it scores the whole
    batch in one request and returns a list.
    """
    if "solution_strs" in kw:
        return compute_score_batch(kw.pop("data_sources"), kw.pop("solution_strs"), kw.pop("ground_truths"), kw.pop("extra_infos", None), url, spec, token, on_error)
    client = _shared_client(url, spec, token, on_error)
    result = client.score([_verl_sample(data_source, solution_str, ground_truth, extra_info)])[0]
    return _verl_dict(result, client.spec)


async def compute_score_async(data_source=None, solution_str=None, ground_truth=None, extra_info=None, **kw):
    """The async form of ``compute_score``, for verl's asynchronous reward loops."""
    client = _shared_client(kw.get("url"), kw.get("spec"), kw.get("token"), kw.get("on_error"))
    return await client._in_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kw)


# -- TRL -------------------------------------------------------------------------------------------------


def _trl_text(value: Any) -> Any:
    """TRL passes plain strings or conversations (lists of {role, content}); Assay takes both."""
    if isinstance(value, list):
        return [{"role": m["role"], "content": m["content"]} for m in value]
    return value


def trl_reward(
    url: Optional[str] = None,
    spec: Optional[str] = None,
    token: Optional[str] = None,
    reference_key: str = "solution",
    on_error: Any = None,
    name: str = "assay",
    asynchronous: bool = True,
) -> Callable[..., Any]:
    """A TRL reward function: ``(prompts, completions, **dataset_columns) -> list[float | None]``.

    ``reference_key`` names the dataset column holding the reference answer. A failed reward is ``None``
    (TRL leaves it out) unless ``on_error`` maps it to a number. ``asynchronous=False`` gives a plain
    function for TRL versions without async reward functions.
    """
    client = AssayClient(url=url, spec=spec, token=token, on_error=on_error)

    def samples_of(prompts, completions, kwargs) -> list:
        refs = kwargs.get(reference_key)
        out = []
        for i, completion in enumerate(completions):
            sample: dict = {"response": _trl_text(completion)}
            if prompts is not None and i < len(prompts):
                sample["prompt"] = _trl_text(prompts[i])
            if refs is not None:
                sample["reference"] = refs[i]
            out.append(sample)
        return out

    def step_of(kwargs) -> Optional[int]:
        state = kwargs.get("trainer_state")
        return getattr(state, "global_step", None)

    def to_floats(results: list) -> list:
        return [None if r.get("score") is None else float(r["score"]) for r in results]

    if asynchronous:

        async def reward(prompts=None, completions=(), **kwargs):
            return to_floats(await client.ascore(samples_of(prompts, completions, kwargs), step=step_of(kwargs)))

    else:

        def reward(prompts=None, completions=(), **kwargs):
            return to_floats(client.score(samples_of(prompts, completions, kwargs), step=step_of(kwargs)))

    reward.__name__ = name
    reward.__qualname__ = name
    return reward
