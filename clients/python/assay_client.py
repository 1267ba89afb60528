"""Assay client: call an `assay serve` reward server from Python. Standard library only, one file.

Server address: the ``url`` keyword, else $ASSAY_URL, else http://127.0.0.1:8787.
Spec name: the ``spec`` keyword, else $ASSAY_SPEC, else the server's default spec.
Bearer token: the ``token`` keyword, else $ASSAY_TOKEN.
What a failed reward (status error/timeout) scores: the ``on_error`` keyword, else $ASSAY_ON_ERROR, else
``null`` (None) for ``AssayClient`` and TRL, and 0 for the verl adapter, which cannot take None (the
failure stays visible there: ``assay_failed`` is 1, and the server counts and logs it).

verl (custom reward function; the naive and batch reward managers, and the ≥ 0.8 reward loop)::

    reward.custom_reward_function.path=clients/python/assay_client.py     # verl >= 0.8
    reward.custom_reward_function.name=compute_score_async
    custom_reward_function.path=clients/python/assay_client.py            # verl 0.4-0.7
    custom_reward_function.name=compute_score    # or compute_score_batch with reward_model.reward_manager=batch

TRL (GRPOTrainer; a coroutine function from TRL 0.27 on, a plain one before; picklable)::

    from assay_client import trl_reward
    trainer = GRPOTrainer(..., reward_funcs=[trl_reward(reference_key="solution")])

OpenRLHF needs no client: ``--reward.remote_url http://127.0.0.1:8787/get_reward`` (``--remote_rm_url``
before 0.10); a failure scores 0 there unless ``?onError=N``; ``?spec=NAME``, ``?source=S``, ``?token=T``.

Retries: only on 429, 5xx, connection errors and timeouts, with jittered exponential backoff (honouring
Retry-After). A 4xx other than 429 is the caller's mistake and is raised at once as AssayError.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import math
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
    "trainer_dict",
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

#: What a failed reward scores in the verl adapter unless ``on_error``/$ASSAY_ON_ERROR says otherwise: verl
#: puts every score into a float tensor and cannot take None. The failure stays visible: ``assay_failed`` is
#: 1 for that sample, and the server counts it (``assay_failures_scored_total`` in /metrics) and logs it.
VERL_DEFAULT_ON_ERROR = "zero"


def _shared_client(url=None, spec=None, token=None, on_error=None) -> AssayClient:
    key = (url, spec, token, on_error, os.environ.get("ASSAY_URL"), os.environ.get("ASSAY_SPEC"), os.environ.get("ASSAY_TOKEN"), os.environ.get("ASSAY_ON_ERROR"))
    with _clients_lock:
        if key not in _clients:
            _clients[key] = AssayClient(url=url, spec=spec, token=token, on_error=on_error)
        return _clients[key]


def _verl_client(url=None, spec=None, token=None, on_error=None) -> AssayClient:
    if on_error is None:
        on_error = os.environ.get("ASSAY_ON_ERROR") or VERL_DEFAULT_ON_ERROR
    return _shared_client(url, spec, token, on_error)


def _flatten(components: Sequence[dict], prefix: str = "") -> dict:
    """Component scores as ``{"parent.child": score}``, a repeated sibling name as ``name#2`` (as the server names them)."""
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


_spec_components: dict = {}


def _components_of(client: AssayClient) -> list:
    """The component names every result of the client's spec reports, as the server lists them (fixed by the spec)."""
    key = (client.url, client.spec)
    if key not in _spec_components:
        listing = client.specs()
        name = client.spec or listing["default"]
        found = [s for s in listing["specs"] if s["name"] == name]
        if not found:
            raise AssayError(f"spec: the server at {client.url} has no spec named {name!r}")
        _spec_components[key] = list(found[0].get("components") or [])
    return _spec_components[key]


def _number(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def trainer_dict(result: dict, components: Sequence[str]) -> dict:
    """One result as verl (and anything that makes arrays of per-sample dicts) needs it.

    ``score``: the reward (a failure scores what the on_error policy gave it: 0 in the verl adapter);
    ``assay_failed``: 1.0 where the reward failed, else 0.0; then for every component NAME of the spec,
    always the same keys for every sample in every process: ``NAME``, the component's score where it
    applied, else 0.0, and ``NAME/applied``, 1.0 where it applied, else 0.0 (a route branch not taken, a
    part a closed gate skipped, a failed part). The mean where a part applied is
    ``mean(NAME) / mean(NAME/applied)``. Every value is a finite float, so ``np.mean`` and
    ``torch.tensor`` take them.
    """
    scores = _flatten(result.get("components") or [])
    out = {"score": _number(result.get("score")), "assay_failed": 0.0 if result.get("status") in ("ok", "skipped") else 1.0}
    for name in components:
        value = scores.get(name)
        applied = value is not None and math.isfinite(value)
        out[name] = float(value) if applied else 0.0
        out[f"{name}/applied"] = 1.0 if applied else 0.0
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
    """verl's batch reward manager (``reward_model.reward_manager=batch``, verl < 0.8): one request for
    the whole batch; a list of dicts shaped by ``trainer_dict``. Extra keywords verl passes are ignored."""
    client = _verl_client(url, spec, token, on_error)
    extra_infos = extra_infos if extra_infos is not None else [None] * len(solution_strs)
    samples = [_verl_sample(d, s, g, e) for d, s, g, e in zip(data_sources, solution_strs, ground_truths, extra_infos)]
    components = _components_of(client)
    return [trainer_dict(r, components) for r in client.score(samples)]


def compute_score(data_source=None, solution_str=None, ground_truth=None, extra_info=None, url=None, spec=None, token=None, on_error=None, **kw):
    """verl's ``compute_score``: ``{"score": …, "assay_failed": 0|1, <component>: …, <component>/applied: 0|1}``.

    verl calls it with ``data_source, solution_str, ground_truth, extra_info`` and, depending on the
    version, more keywords (``reward_router_address``, ``reward_model_tokenizer``, your ``reward_kwargs``),
    which are ignored. Called with the plural keywords of verl's batch manager (``solution_strs=…``), it
    scores the whole batch in one request and returns a list. A failed reward scores 0 with
    ``assay_failed`` 1 unless ``on_error``/$ASSAY_ON_ERROR says otherwise (see ``trainer_dict``).
    """
    if "solution_strs" in kw:
        return compute_score_batch(kw.pop("data_sources"), kw.pop("solution_strs"), kw.pop("ground_truths"), kw.pop("extra_infos", None), url, spec, token, on_error)
    client = _verl_client(url, spec, token, on_error)
    components = _components_of(client)
    result = client.score([_verl_sample(data_source, solution_str, ground_truth, extra_info)])[0]
    return trainer_dict(result, components)


async def compute_score_async(data_source=None, solution_str=None, ground_truth=None, extra_info=None, **kw):
    """The coroutine form of ``compute_score``, for verl's reward loop (it awaits coroutine functions)."""
    client = _verl_client(kw.get("url"), kw.get("spec"), kw.get("token"), kw.get("on_error"))
    return await client._in_thread(compute_score, data_source, solution_str, ground_truth, extra_info, **kw)


# -- TRL -------------------------------------------------------------------------------------------------


def _content_text(content: Any) -> str:
    """Message content as text: a string, or a list of content blocks whose text blocks are joined
    (``{"type": "text", "text": …}``; images and other blocks carry no text to score)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for block in content:
            if isinstance(block, str):
                texts.append(block)
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                texts.append(block["text"])
        return "\n".join(texts)
    raise TypeError(f"message content: expected a string or a list of content blocks, got {type(content).__name__}")


def _message(m: dict) -> dict:
    """A chat message as Assay takes it. ``reasoning_content`` (split off by a reasoning parser) is put back
    in front as ``<think>…</think>``, as reasoning chat templates render it, so format and answer rewards
    see what the model wrote."""
    text = _content_text(m.get("content"))
    reasoning = m.get("reasoning_content")
    if isinstance(reasoning, str) and reasoning and "<think>" not in text:
        text = f"<think>\n{reasoning}\n</think>\n{text}"
    return {"role": m.get("role", "assistant"), "content": text}


def _trl_text(value: Any) -> Any:
    """TRL passes plain strings or conversations (lists of messages); Assay takes both."""
    if isinstance(value, list):
        return [_message(m) for m in value]
    return value


def _trl_samples(reference_key: str, prompts, completions, columns: dict) -> list:
    refs = columns.get(reference_key)
    out = []
    for i, completion in enumerate(completions):
        sample: dict = {"response": _trl_text(completion)}
        if prompts is not None and i < len(prompts):
            sample["prompt"] = _trl_text(prompts[i])
        if refs is not None and refs[i] is not None:
            sample["reference"] = _jsonable(refs[i])
        out.append(sample)
    return out


def _trl_step(columns: dict) -> Optional[int]:
    return getattr(columns.get("trainer_state"), "global_step", None)


def _trl_floats(results: list) -> list:
    # None is a failure: TRL turns it into NaN and leaves it out of the reward (never a silent 0).
    return [None if r.get("score") is None else float(r["score"]) for r in results]


def _trl_client(config: tuple) -> AssayClient:
    url, spec, token, on_error, _reference_key = config
    return _shared_client(url, spec, token, on_error)


def _trl_sync(config: tuple, prompts=None, completions=(), completion_ids=None, **columns) -> list:
    client = _trl_client(config)
    samples = _trl_samples(config[4], prompts, completions, columns)
    return _trl_floats(client.score(samples, step=_trl_step(columns)) if samples else [])


async def _trl_async(config: tuple, prompts=None, completions=(), completion_ids=None, **columns) -> list:
    client = _trl_client(config)
    samples = _trl_samples(config[4], prompts, completions, columns)
    return _trl_floats(await client.ascore(samples, step=_trl_step(columns)) if samples else [])


def _trl_supports_async() -> bool:
    """TRL takes coroutine reward functions from 0.27 on; before, a coroutine function breaks the trainer."""
    try:
        import trl  # noqa: PLC0415 (optional: only to choose the default)
    except ImportError:
        return False
    try:
        major, minor = (int(x) for x in str(trl.__version__).split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (0, 27)


def trl_reward(
    url: Optional[str] = None,
    spec: Optional[str] = None,
    token: Optional[str] = None,
    reference_key: str = "solution",
    on_error: Any = None,
    name: str = "assay",
    asynchronous: Optional[bool] = None,
) -> Callable[..., Any]:
    """A TRL reward function: ``(prompts, completions, completion_ids, trainer_state, …, **dataset_columns)
    -> list[float | None]``.

    ``reference_key`` names the dataset column holding the reference. A failed reward is ``None`` (TRL
    turns it into NaN and leaves it out) unless ``on_error`` maps it to a number. Completions may be
    strings or messages whose ``content`` is a string or a list of content blocks; ``reasoning_content``
    is kept (see ``_message``). ``asynchronous``: a coroutine function (TRL ≥ 0.27) or a plain one
    (TRL < 0.27); by default, whichever the installed TRL takes. The function is a ``functools.partial``
    of a module-level function, so it pickles (TRL's async GRPO trainer runs rewards in a spawned process).
    """
    if asynchronous is None:
        asynchronous = _trl_supports_async()
    config = (url, spec, token, on_error, reference_key)
    reward = functools.partial(_trl_async if asynchronous else _trl_sync, config)
    reward.__name__ = name  # type: ignore[attr-defined]  (TRL names reward columns after it)
    reward.__qualname__ = name  # type: ignore[attr-defined]
    return reward
