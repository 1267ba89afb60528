import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseReport } from '../../src/sandbox/cold.js';
import { parseWarmReport } from '../../src/sandbox/warm.js';

/** The cold path's report frame, built as the supervisor builds it (runner-py.ts, `launch`). */
function frame(key: Buffer, head: object, out = '', err = '', art = Buffer.alloc(0)): Buffer {
  const h = Buffer.from(JSON.stringify(head));
  const o = Buffer.from(out);
  const e = Buffer.from(err);
  const body = Buffer.concat([
    Buffer.from(`${h.length} ${o.length} ${e.length} ${art.length}\n`),
    h,
    o,
    e,
    art,
  ]);
  return Buffer.concat([body, createHmac('sha256', key).update(body).digest()]);
}

describe('cold-path reports are authenticated and parsed defensively', () => {
  const key = randomBytes(32);
  const head = {
    exitCode: 0,
    signal: null,
    timedOut: false,
    outputExceeded: false,
    wallMs: 5,
    cpuMs: 1,
    maxRssKb: 9,
  };

  it('reads a well-formed report, with raw output and the artifact', () => {
    const r = parseReport(frame(key, head, 'out\n', 'ünï', Buffer.from([0, 1, 2])), key);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'out\n', stderr: 'ünï', artifact: 'AAEC' });
    expect(r).not.toHaveProperty('sandboxError');
  });

  it('refuses a report under another key, or with any byte changed', () => {
    const good = frame(key, head, 'x');
    expect(parseReport(frame(randomBytes(32), head, 'x'), key)).toBe('report failed authentication');
    for (const at of [0, 5, good.length - 40, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 1;
      expect(parseReport(bad, key)).toBe('report failed authentication');
    }
  });

  it('refuses what is not a report: empty, truncated, wrong lengths, a non-object header', () => {
    expect(parseReport(Buffer.alloc(0), key)).toBe('no report');
    expect(parseReport(frame(key, head).subarray(0, 40), key)).toBe('report failed authentication');
    const sign = (body: string) =>
      Buffer.concat([Buffer.from(body), createHmac('sha256', key).update(body).digest()]);
    expect(parseReport(sign('2 0 0 0\n{}extra'), key)).toBe('report length mismatch');
    expect(parseReport(sign('2 -1 0 0\n{}'), key)).toBe('malformed report header');
    expect(parseReport(sign('2 0 0\n{}'), key)).toBe('malformed report header');
    expect(parseReport(sign('2 0 0 0\n[]'), key)).toBe('report is not an object');
    expect(() => parseReport(sign('2 0 0 0\n{x'), key)).toThrow(); // cold.ts catches it
  });
});

/** The warm path's report frame, built as the fork server builds it (runner-py.ts, `execute`). */
function warmFrame(key: Buffer, head: object, out = '', err = ''): Buffer {
  const h = Buffer.from(JSON.stringify(head));
  const o = Buffer.from(out);
  const e = Buffer.from(err);
  const body = Buffer.concat([Buffer.from(`D 7 ${h.length} ${o.length} ${e.length}\n`), h, o, e]);
  return Buffer.concat([body, createHmac('sha256', key).update(body).digest()]);
}

describe('warm-path reports are authenticated under a key per job', () => {
  const key = randomBytes(32);
  const head = { exitCode: 0, signal: null, timedOut: false, outputExceeded: false, wallMs: 5, cpuMs: 1 };

  it('reads a whole report and says how much of the stream it took; waits for the rest of a partial one', () => {
    const f = warmFrame(key, head, 'out\n', 'err');
    const next = Buffer.concat([f, Buffer.from('D 8 ')]);
    const got = parseWarmReport(next, key);
    expect(got).toMatchObject({ report: { exitCode: 0, stdout: 'out\n', stderr: 'err' }, length: f.length });
    for (const n of [0, 5, f.length - 1]) expect(parseWarmReport(f.subarray(0, n), key)).toBeUndefined();
  });

  it('refuses a report under another job’s key, or with any byte changed', () => {
    const good = warmFrame(key, head, 'x', 'y');
    expect(parseWarmReport(warmFrame(randomBytes(32), head, 'x', 'y'), key)).toBe(
      'report from the fork server failed authentication',
    );
    for (const at of [9, 20, good.length - 34, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 1;
      expect(parseWarmReport(bad, key)).toBe('report from the fork server failed authentication');
    }
  });

  it('refuses what is not a report frame', () => {
    expect(parseWarmReport(Buffer.from('READY\n'), key)).toBe('unreadable report from the fork server');
    expect(parseWarmReport(Buffer.from('D 1 -1 0 0\n'), key)).toBe('unreadable report from the fork server');
    expect(parseWarmReport(Buffer.from('x'.repeat(100)), key)).toBe('unreadable report from the fork server');
    expect(parseWarmReport(warmFrame(key, [1, 2]), key)).toBe('unreadable report from the fork server');
  });
});
