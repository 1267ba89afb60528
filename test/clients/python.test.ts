import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, type ServeProcess, serveProcess } from './serve-process.js';

const PYTHON = '/usr/bin/python3';
const TOKEN = 'client-test-token';

let server: ServeProcess;
let url: string;

/** Run a Python snippet with the client importable; resolves with its stdout parsed as JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the script's JSON output is checked field by field with expect
function python(code: string, env: Record<string, string> = {}): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      PYTHON,
      ['-c', code],
      {
        env: {
          ...process.env,
          PYTHONPATH: `${root}clients/python`,
          ASSAY_URL: url,
          ASSAY_TOKEN: TOKEN,
          ...env,
        },
        timeout: 60_000,
      },
      (err, stdout, errOut) => {
        if (err) reject(new Error(`python failed: ${err.message}\n${errOut}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

beforeAll(async () => {
  server = await serveProcess([
    '--spec',
    'test/fixtures/server-exact.yaml',
    '--spec',
    'test/fixtures/server-trouble.yaml',
    '--token',
    TOKEN,
    '--no-store',
    '--threads',
    '2',
    '--log-level',
    'warn',
  ]);
  url = server.url;
});

afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
});

describe('Python client against a live assay serve', () => {
  it('verl compute_score: one sample, and the batch form', async () => {
    const out = await python(`
import json
from assay_client import compute_score
one = compute_score("gsm8k", "so <answer>72</answer>", "72", {"index": 3})
wrong = compute_score(data_source="gsm8k", solution_str="<answer>7</answer>", ground_truth=72)
batch = compute_score(data_sources=["a", "b"], solution_strs=["<answer>1</answer>", "x"], ground_truths=["1", {"bad": 1}], extra_infos=[None, None])
print(json.dumps({"one": one, "wrong": wrong, "batch": batch}))
`);
    expect(out.one).toMatchObject({ score: 1, exact_match: 1, 'exact_match/applied': 1, assay_failed: 0 });
    expect(Object.keys(out.one)).toContain('format.tags');
    expect(out.wrong).toMatchObject({ score: 0, assay_failed: 0 });
    expect(out.batch).toHaveLength(2);
    expect(out.batch[0]).toMatchObject({ score: 1, assay_failed: 0 });
    // verl cannot take None: a reward that could not be computed scores 0, flagged, with the same keys.
    expect(out.batch[1]).toMatchObject({
      score: 0,
      assay_failed: 1,
      exact_match: 0,
      'exact_match/applied': 0,
    });
    expect(Object.keys(out.batch[1]).sort()).toEqual(Object.keys(out.batch[0]).sort());
  });

  it('verl compute_score_async, concurrently, with on_error from the environment', async () => {
    const out = await python(
      `
import asyncio, json
from assay_client import compute_score_async
async def main():
    return await asyncio.gather(*[compute_score_async("s", f"<answer>{i}</answer>", "3" if i != 9 else {"bad": 1}) for i in range(10)])
print(json.dumps(asyncio.run(main())))
`,
      { ASSAY_ON_ERROR: 'zero' },
    );
    expect(out.map((r: { score: number }) => r.score)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(out[9].assay_failed).toBe(1);
  });

  it('TRL reward function: async and sync, None for failures, conversations accepted, spec from ASSAY_SPEC', async () => {
    const out = await python(
      `
import asyncio, json
from assay_client import trl_reward
fn = trl_reward(reference_key="answer", name="assay_trouble", asynchronous=True)
sync = trl_reward(reference_key="answer", asynchronous=False)
prompts = ["p1", [{"role": "user", "content": "p2"}], "p3"]
completions = ["yes", [{"role": "assistant", "content": "no"}], "spin"]
a = asyncio.run(fn(prompts=prompts, completions=completions, answer=["yes", "yes", "x"]))
b = sync(prompts=prompts[:2], completions=completions[:2], answer=["yes", "no"])
print(json.dumps({"a": a, "b": b, "name": fn.__name__, "is_async": asyncio.iscoroutinefunction(fn)}))
`,
      { ASSAY_SPEC: 'trouble' },
    );
    expect(out.a).toEqual([1, 0, null]);
    expect(out.b).toEqual([1, 1]);
    expect(out.name).toBe('assay_trouble');
    expect(out.is_async).toBe(true);
  });

  it('AssayClient: groups with advantages, specs, health; a 400 is raised at once', async () => {
    const out = await python(`
import json
from assay_client import AssayClient, AssayError
c = AssayClient()
g = c.groups([{"response": "1", "reference": "1", "group": "q"}, {"response": "2", "reference": "1", "group": "q"}], method="rloo")
try:
    c.score([{"response": "x"}], spec="missing")
    err = None
except AssayError as e:
    err = [e.status, str(e)]
print(json.dumps({"adv": g["advantages"], "stats": g["groups"][0], "specs": [s["name"] for s in c.specs()["specs"]], "health": c.health()["status"], "err": err}))
`);
    expect(out.adv[0]).toBeGreaterThan(0);
    expect(out.adv[1]).toBeLessThan(0);
    expect(out.stats).toMatchObject({ id: 'q', n: 2, mean: 0.5 });
    expect(out.specs).toEqual(['exact', 'trouble']);
    expect(out.health).toBe('ok');
    expect(out.err[0]).toBe(400);
    expect(out.err[1]).toMatch(/spec: no spec named "missing"/);
  });

  it('a wrong token is a 401, raised without retries', async () => {
    const out = await python(
      `
import json
from assay_client import AssayClient, AssayError
try:
    AssayClient(backoff=5).score([{"response": "x"}])
except AssayError as e:
    print(json.dumps([e.status, str(e)]))
`,
      { ASSAY_TOKEN: 'wrong' },
    );
    expect(out[0]).toBe(401);
  });

  it('retries 429 and 5xx with backoff, never other 4xx, and gives up on a dead server', async () => {
    const out = await python(`
import json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from assay_client import AssayClient, AssayError

plan = {"/v1/score": [429, 503, 200], "/v1/groups": [422, 200]}
seen = []
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        seen.append(self.path)
        code = plan[self.path].pop(0)
        body = json.dumps({"results": [{"score": 1, "status": "ok", "name": "x"}]} if code == 200 else {"error": "nope"}).encode()
        self.send_response(code)
        if code == 429:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
threading.Thread(target=srv.serve_forever, daemon=True).start()
c = AssayClient(url=f"http://127.0.0.1:{srv.server_address[1]}", backoff=0.01)
ok = c.score([{"response": "a"}])
try:
    c.groups([{"response": "a", "group": "g"}])
    bad = None
except AssayError as e:
    bad = e.status
srv.shutdown(); srv.server_close()
try:
    AssayClient(url=f"http://127.0.0.1:{srv.server_address[1]}", retries=2, backoff=0.01).score([{"response": "a"}])
    dead = None
except AssayError as e:
    dead = str(e)
print(json.dumps({"ok": ok, "seen": seen, "bad": bad, "dead": dead}))
`);
    expect(out.ok[0].score).toBe(1);
    expect(out.seen).toEqual(['/v1/score', '/v1/score', '/v1/score', '/v1/groups']);
    expect(out.bad).toBe(422);
    expect(out.dead).toMatch(/after 3 attempts/);
  });

  it('assay serve stops cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    const [code] = await once(server.child, 'exit');
    expect(code).toBe(0);
    expect(server.stderr()).toContain('SIGTERM: finishing in-flight requests');
  });
});
