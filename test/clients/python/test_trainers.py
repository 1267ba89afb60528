"""Each trainer's calling pattern against a live `assay serve` (started by test/clients/trainers.test.ts).

Written from each trainer's documented behaviour (issue 15), not from its source:
- verl: keywords data_source, solution_str, ground_truth, extra_info plus extra keywords; score into a float
  tensor; every other key into np.array across the batch (keyed by the first sample's keys in the reward
  loop, appended per key in the naive manager); validation takes float(np.mean(values)) per key; coroutine
  functions awaited; the batch manager passes the plural keywords and expects a list.
- OpenRLHF: one sample per request (0.10.2+) or batches; reads `scores` else `rewards`, and `extra_logs`;
  torch.tensor of each value; identical info keys across samples.
- TRL: keywords prompts, completions, completion_ids, trainer_state, log_extra, log_metric plus dataset
  columns as lists; None becomes NaN; content strings or content blocks; reasoning_content; the function
  pickled and run in a spawned process; coroutine functions from 0.27 only.

torch is not installed (Debian's python3-torch pulls in 244 packages): `tensor` below does what
torch.tensor does with a list of Python scalars: float() of each value, TypeError for None, a string or a
nested list; NaN and inf pass as they would in torch.

Environment: ASSAY_DEFAULT_URL (bundled default spec), ASSAY_GATE_URL (test/fixtures/trainers-gate.yaml),
ASSAY_TEST_CODE=1 when the sandbox works here (code samples of the default spec).
"""

import asyncio
import functools
import inspect
import json
import math
import multiprocessing
import os
import pickle
import sys
import tempfile
import unittest
import urllib.request
from collections import defaultdict

import numpy as np

import assay_client

DEFAULT_URL = os.environ["ASSAY_DEFAULT_URL"]
GATE_URL = os.environ["ASSAY_GATE_URL"]
WITH_CODE = os.environ.get("ASSAY_TEST_CODE") == "1"

DEFAULT_KEYS = {"score", "assay_failed"} | {
    f"{name}{suffix}" for name in ("correct", "correct.code", "correct.math", "format.tags") for suffix in ("", "/applied")
}
GATE_KEYS = {"score", "assay_failed"} | {
    f"{name}{suffix}"
    for name in ("format.tags", "weighted", "weighted.math", "weighted.length")
    for suffix in ("", "/applied")
}


def tensor(values):
    """torch.tensor(list of scalars) as far as rewards go: a float per value, or the TypeError torch raises."""
    out = []
    for v in values:
        if isinstance(v, bool) or isinstance(v, (int, float)) or isinstance(v, np.generic):
            out.append(float(v))
        else:
            raise TypeError(f"must be real number, not {type(v).__name__}")
    return out


# -- verl --------------------------------------------------------------------------------------------------

MATH = [
    # (data_source, solution_str, ground_truth, extra_info)
    ("openai/gsm8k", "<think>2+2</think><answer>4</answer>", "4", {"index": 0, "split": "train"}),
    ("openai/gsm8k", "<think>hm</think><answer>5</answer>", "4", {"index": 1}),
    ("lighteval/MATH", "The answer is \\boxed{\\frac{1}{2}}", "0.5", None),
    ("broken", "x", {"neither": "math nor code"}, None),  # a reward that cannot be computed
]
CODE = [
    # verl's code data keeps the tests as JSON text
    ("codecontests", "```python\nprint(int(input()) * 2)\n```", json.dumps({"inputs": ["3\n"], "outputs": ["6\n"]}), None),
    ("codecontests", "```python\nprint(0)\n```", json.dumps({"inputs": ["3\n"], "outputs": ["6\n"]}), None),
]


def verl_rows():
    return MATH + (CODE if WITH_CODE else [])


def naive_manager(compute_score, rows, reward_kwargs=None):
    """verl < 0.8 naive reward manager: one call per sample, every key appended to its own list."""
    reward_tensor = []
    reward_extra_info = defaultdict(list)
    for data_source, solution_str, ground_truth, extra_info in rows:
        score = compute_score(
            data_source=data_source,
            solution_str=solution_str,
            ground_truth=ground_truth,
            extra_info=extra_info,
            **(reward_kwargs or {}),
        )
        if isinstance(score, dict):
            reward = score["score"]
            for key, value in score.items():
                reward_extra_info[key].append(value)
        else:
            reward = score
        reward_tensor.append(reward)
    return tensor(reward_tensor), reward_extra_info


def reward_loop(compute_score, rows):
    """verl ≥ 0.8 reward loop: awaits a coroutine function, passes its own keywords, keys from the first output."""

    async def one(row):
        data_source, solution_str, ground_truth, extra_info = row
        kwargs = dict(
            data_source=data_source,
            solution_str=solution_str,
            ground_truth=ground_truth,
            extra_info=extra_info,
            reward_router_address="127.0.0.1:1",
            reward_model_tokenizer=object(),
        )
        if inspect.iscoroutinefunction(compute_score):
            return await compute_score(**kwargs)
        return await asyncio.get_running_loop().run_in_executor(None, functools.partial(compute_score, **kwargs))

    async def main():
        return await asyncio.gather(*[one(r) for r in rows])

    outputs = asyncio.run(main())
    scores = tensor([o["score"] for o in outputs])
    extra = {k: np.array([o[k] for o in outputs]) for k in outputs[0] if k != "score"}
    return scores, extra


def batch_manager(compute_score, rows):
    """verl's batch reward manager: the plural keywords, a list back."""
    out = compute_score(
        data_sources=[r[0] for r in rows],
        solution_strs=[r[1] for r in rows],
        ground_truths=[r[2] for r in rows],
        extra_infos=[r[3] for r in rows],
    )
    assert isinstance(out, list) and len(out) == len(rows)
    scores = tensor([o["score"] for o in out])
    extra = defaultdict(list)
    for o in out:
        for k, v in o.items():
            extra[k].append(v)
    return scores, extra


def validation_metrics(extra):
    """verl's validation: np.array per key, float(np.mean) per key; lengths must match the batch."""
    n = {len(v) for v in extra.values()}
    assert len(n) == 1, f"per-key lengths differ: {n}"
    return {k: float(np.mean(np.array(v))) for k, v in extra.items()}


def keys_in_fresh_process(url, spec, first_row, queue):
    os.environ["ASSAY_URL"] = url
    if spec:
        os.environ["ASSAY_SPEC"] = spec
    import assay_client as fresh  # noqa: PLC0415

    queue.put(sorted(fresh.compute_score(*first_row).keys()))


class Verl(unittest.TestCase):
    def setUp(self):
        os.environ["ASSAY_URL"] = DEFAULT_URL
        os.environ.pop("ASSAY_ON_ERROR", None)
        os.environ.pop("ASSAY_SPEC", None)

    def check_default(self, scores, extra, rows):
        self.assertEqual(set(extra) | {"score"}, DEFAULT_KEYS)
        metrics = validation_metrics(extra)
        for key, value in metrics.items():
            self.assertTrue(math.isfinite(value), key)
        expected = [1.0, 0.0, 1.0, 0.0] + ([1.0, 0.0] if WITH_CODE else [])
        self.assertEqual(scores, expected)
        self.assertEqual(list(extra["assay_failed"]), [0, 0, 0, 1] + ([0, 0] if WITH_CODE else []))
        # The mean where a part applied: math on the three math samples that scored (2 of 3 right).
        applied = metrics["correct.math/applied"]
        self.assertAlmostEqual(metrics["correct.math"] / applied, 2 / 3)
        self.assertAlmostEqual(applied, 3 / len(rows))
        if WITH_CODE:
            self.assertAlmostEqual(metrics["correct.code"] / metrics["correct.code/applied"], 0.5)

    def test_naive_manager_default_spec(self):
        rows = verl_rows()
        scores, extra = naive_manager(assay_client.compute_score, rows, {"some_reward_kwarg": 1})
        self.check_default(scores, extra, rows)

    def test_reward_loop_sync_and_async(self):
        rows = verl_rows()
        for fn in (assay_client.compute_score, assay_client.compute_score_async):
            scores, extra = reward_loop(fn, rows)
            self.check_default(scores, extra, rows)
        self.assertTrue(inspect.iscoroutinefunction(assay_client.compute_score_async))

    def test_batch_manager(self):
        rows = verl_rows()
        scores, extra = batch_manager(assay_client.compute_score, rows)
        self.check_default(scores, extra, rows)

    def test_first_sample_decides_nothing(self):
        # verl's reward loop takes the keys of the first output: a first sample whose gate closes, or
        # that fails, must carry every key the others do, in every process.
        os.environ["ASSAY_URL"] = GATE_URL
        rows = [
            ("s", "no tags at all", "4", None),
            ("s", "<think>a</think><answer>4</answer>", "4", None),
            ("s", "<think>a</think><answer>4</answer>", {"bad": 1}, None),
        ]
        scores, extra = reward_loop(assay_client.compute_score, rows)
        self.assertEqual(set(extra) | {"score"}, GATE_KEYS)
        self.assertEqual(scores, [0.0, 2.0, 0.0])  # a gate sums the parts that count: format 1 + math 1
        self.assertEqual(list(extra["assay_failed"]), [0, 0, 1])
        self.assertEqual(list(extra["weighted.math/applied"]), [0, 1, 0])
        validation_metrics(extra)
        ctx = multiprocessing.get_context("spawn")
        seen = []
        for first in rows:
            queue = ctx.Queue()
            p = ctx.Process(target=keys_in_fresh_process, args=(GATE_URL, None, first, queue))
            p.start()
            seen.append(queue.get(timeout=60))
            p.join(60)
        self.assertEqual(seen, [sorted(GATE_KEYS)] * 3)

    def test_failure_policy(self):
        # the default gives a number and flags the failure; ASSAY_ON_ERROR still chooses
        row = ("broken", "x", {"neither": 1}, None)
        self.assertEqual(assay_client.compute_score(*row)["score"], 0.0)
        os.environ["ASSAY_ON_ERROR"] = "-1"
        self.assertEqual(assay_client.compute_score(*row)["score"], -1.0)
        out = assay_client.compute_score(*row, on_error="null")
        self.assertIsNone(out["score"])
        self.assertEqual(out["assay_failed"], 1.0)
        # every failure given a number is counted where operators look
        with urllib.request.urlopen(f"{DEFAULT_URL}/metrics", timeout=30) as resp:
            metrics = resp.read().decode()
        counted = [l for l in metrics.splitlines() if l.startswith('assay_failures_scored_total{route="score",spec="default"}')]
        self.assertTrue(counted and float(counted[0].split()[-1]) >= 2, counted)


# -- OpenRLHF ----------------------------------------------------------------------------------------------


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def openrlhf_read(response):
    """What OpenRLHF keeps of a reply: `scores` else `rewards`, and a tensor per extra_logs key."""
    scores = response["scores"] if "scores" in response else response["rewards"]
    logs = {k: tensor(v) for k, v in response.get("extra_logs", {}).items()}
    return tensor(scores), logs


def openrlhf_per_sample(url, queries, prompts, labels):
    """0.10.2+: one request per sample, then the per-sample info concatenated key by key."""
    scores, infos = [], []
    for q, p, l in zip(queries, prompts, labels):
        s, logs = openrlhf_read(post(url, {"query": [q], "prompts": [p], "labels": [l]}))
        scores += s
        infos.append(logs)
    keys = set(infos[0])
    for info in infos:
        if set(info) != keys:
            raise KeyError(f"info keys differ across samples: {sorted(set(info) ^ keys)}")
    return scores, {k: sum((info[k] for info in infos), []) for k in keys}


PROMPT = "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n"


class OpenRLHF(unittest.TestCase):
    def test_batch_and_per_sample_default_spec(self):
        queries = [
            PROMPT + "<think>ok</think><answer>4</answer><|im_end|>",
            PROMPT + "<think>ok</think><answer>5</answer><|im_end|>",
            PROMPT + "<answer>4</answer>",
        ]
        prompts = [PROMPT] * 3
        labels = ["4", "4", json.dumps({"neither": 1})]
        url = f"{DEFAULT_URL}/get_reward"
        batch_scores, batch_logs = openrlhf_read(post(url, {"query": queries, "prompts": prompts, "labels": labels}))
        one_scores, one_logs = openrlhf_per_sample(url, queries, prompts, labels)
        self.assertEqual(batch_scores, one_scores)
        self.assertEqual(batch_logs, one_logs)
        self.assertEqual(set(one_logs), DEFAULT_KEYS - {"score"})
        self.assertEqual(one_scores, [1.0, 0.0, 0.0])
        self.assertEqual(one_logs["assay_failed"], [0.0, 0.0, 1.0])
        self.assertEqual(one_logs["correct.code/applied"], [0.0, 0.0, 0.0])
        for k, v in one_logs.items():
            self.assertTrue(math.isfinite(float(np.mean(v))), k)

    def test_gate_spec_keys_do_not_depend_on_what_ran(self):
        url = f"{GATE_URL}/get_reward"
        queries = ["Q? no tags", "Q? <think>a</think><answer>4</answer>"]
        scores, logs = openrlhf_per_sample(url, queries, ["Q? ", "Q? "], ["4", "4"])
        self.assertEqual(scores, [0.0, 2.0])
        self.assertEqual(set(logs), GATE_KEYS - {"score"})
        self.assertEqual(logs["weighted.math/applied"], [0.0, 1.0])

    def test_padded_queries_with_special_tokens(self):
        # Older OpenRLHF decodes the left-padded batch; every release keeps special tokens (EOS after the
        # response). A prompt quoting an example answer must not pay an empty response.
        quoting = "<|im_start|>user\nExample: <answer>4</answer>. What is 2+2?<|im_end|>\n<|im_start|>assistant\n"
        pad = "<|endoftext|>" * 4
        queries = [pad + quoting + "<think>sum</think><answer>4</answer><|im_end|>", pad + quoting + "<|im_end|>" + pad]
        scores, logs = openrlhf_read(post(f"{DEFAULT_URL}/get_reward", {"query": queries, "prompts": [quoting] * 2, "labels": ["4", "4"]}))
        self.assertEqual(scores, [1.0, 0.0])
        self.assertEqual(logs["format.tags"], [1.0, 0.0])
        self.assertEqual(logs["assay_failed"], [0.0, 0.0])

    def test_rewards_only_reader(self):
        reply = post(f"{DEFAULT_URL}/get_reward", {"query": ["x"], "labels": ["1"]})
        del reply["scores"]
        scores, _ = openrlhf_read(reply)
        self.assertEqual(scores, [0.0])


# -- TRL ---------------------------------------------------------------------------------------------------


class TrainerState:
    global_step = 7


def trl_call(reward_func, prompts, completions, **columns):
    """GRPOTrainer._calculate_rewards, as far as a reward function sees it."""
    kwargs = dict(
        prompts=prompts,
        completions=completions,
        completion_ids=[[1, 2, 3] for _ in completions],
        trainer_state=TrainerState(),
        log_extra=lambda *a, **k: None,
        log_metric=lambda *a, **k: None,
        **columns,
    )
    if inspect.iscoroutinefunction(reward_func):
        out = asyncio.run(reward_func(**kwargs))
    else:
        out = reward_func(**kwargs)
    return [math.nan if r is None else r for r in out]


def run_pickled(blob, queue):
    fn = pickle.loads(blob)
    queue.put(
        trl_call(
            fn,
            ["q"],
            [[{"role": "assistant", "content": [{"type": "text", "text": "<think>t</think><answer>4</answer>"}]}]],
            solution=["4"],
        )
    )


class TRL(unittest.TestCase):
    def setUp(self):
        os.environ["ASSAY_URL"] = DEFAULT_URL
        os.environ.pop("ASSAY_ON_ERROR", None)

    def test_strings_blocks_reasoning_and_none(self):
        fn = assay_client.trl_reward(reference_key="solution", asynchronous=True)
        prompts = [[{"role": "user", "content": [{"type": "text", "text": "2+2?"}, {"type": "image"}]}]] * 4
        completions = [
            [{"role": "assistant", "content": [{"type": "text", "text": "<think>t</think>"}, {"type": "text", "text": "<answer>4</answer>"}]}],
            [{"role": "assistant", "content": "<answer>4</answer>", "reasoning_content": "2+2 is 4"}],
            "<think>x</think><answer>5</answer>",
            "<answer>4</answer>",
        ]
        out = trl_call(fn, prompts, completions, solution=["4", "4", "4", {"neither": 1}], other=[1, 2, 3, 4])
        self.assertEqual(out[:3], [1.0, 1.0, 0.0])
        self.assertTrue(math.isnan(out[3]))
        # reasoning_content is scored as the model wrote it: the format metric sees <think>
        gate = assay_client.trl_reward(url=GATE_URL, asynchronous=False)
        self.assertEqual(trl_call(gate, None, completions[1:2], solution=["4"]), [2.0])

    def test_pickled_into_a_spawned_process(self):
        for asynchronous in (True, False):
            fn = assay_client.trl_reward(reference_key="solution", asynchronous=asynchronous, name="assay_math")
            self.assertEqual(fn.__name__, "assay_math")
            self.assertEqual(inspect.iscoroutinefunction(fn), asynchronous)
            blob = pickle.dumps(fn)
            ctx = multiprocessing.get_context("spawn")
            queue = ctx.Queue()
            p = ctx.Process(target=run_pickled, args=(blob, queue))
            p.start()
            self.assertEqual(queue.get(timeout=60), [1.0])
            p.join(60)

    def test_default_follows_the_installed_trl(self):
        # TRL < 0.27 breaks on a coroutine function; ≥ 0.27 takes one.
        for version, is_async in (("0.26.2", False), ("0.27.0", True), ("1.0.0", True)):
            with tempfile.TemporaryDirectory() as d:
                with open(os.path.join(d, "trl.py"), "w") as f:
                    f.write(f"__version__ = {version!r}\n")
                sys.path.insert(0, d)
                sys.modules.pop("trl", None)
                try:
                    fn = assay_client.trl_reward()
                finally:
                    sys.path.remove(d)
                    sys.modules.pop("trl", None)
                self.assertEqual(inspect.iscoroutinefunction(fn), is_async, version)
        self.assertFalse(inspect.iscoroutinefunction(assay_client.trl_reward()))


if __name__ == "__main__":
    unittest.main()
