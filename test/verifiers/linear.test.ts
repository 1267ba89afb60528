/**
 * Item 5 of issue 14: every extractor and guard that reads model output is linear. Three kinds of check:
 * - adversarial 1 MB inputs (fixed shapes and fast-check-generated ones) run to completion under a bound
 *   so generous that only super-linear work misses it (the regexes these replaced took minutes on them);
 *   the figures themselves are in `npm run bench:linear`;
 * - the scanners give what the regular expressions they replaced gave (differential, on small inputs,
 *   the old expression as the oracle), so nothing but the running time changed;
 * - the fence scanner finds exactly the blocks of a generated markdown document.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripThink } from '../../src/judges/text.js';
import {
  anyVerdictLine,
  finalVerdictLine,
  structuredVerdict,
  verdictNumber,
  yesNo,
} from '../../src/judges/verdict.js';
import { definesFunction, extractProgram, fencedBlocks } from '../../src/verifiers/code/extract.js';
import { blockContents, removeBlocks } from '../../src/verifiers/text/blocks.js';
import { bracedGroup, lastBoxed } from '../../src/verifiers/text/extract.js';
import { adversarialInputs, EXTRACTORS, MB, plainScan, repeatTo } from '../fixtures/adversarial.js';

/** Far above linear work on 1 MB (tens of ms) on a loaded machine, far below quadratic (minutes). */
function bound(text: string): number {
  const started = performance.now();
  plainScan(text);
  return Math.max(3000, 300 * (performance.now() - started));
}

function timed(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

describe('extractors and guards on adversarial 1 MB inputs', () => {
  const inputs = adversarialInputs(MB);
  for (const [name, extract] of EXTRACTORS) {
    it(`${name}: every adversarial shape in bounded time`, () => {
      for (const [shape, text] of inputs) {
        const ms = timed(() => extract(text));
        expect({ shape, slow: ms > bound(text) }).toEqual({ shape, slow: false });
      }
    });
  }

  // Units built from the pieces that trip backtracking: delimiters, their prefixes, decoration, braces.
  const ATOMS = [
    '<think>',
    '</think>',
    '<answer>',
    '</answer>',
    '<THINK>',
    '```',
    '~~~',
    '`',
    '\n',
    ' ',
    '\t',
    '\\boxed{',
    '\\fbox',
    '{',
    '}',
    '\\',
    'VERDICT:',
    '*',
    '.',
    '"',
    '(',
    'ignore ',
    'all ',
    'answer is ',
    '$',
    '解',
    'python',
    'a',
    '1',
    ',',
  ];
  const unit = fc.array(fc.constantFrom(...ATOMS), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
  const tail = fc.constantFrom('', 'x', '}', '\n', '</think>', '```');

  it('every extractor on generated 1 MB inputs in bounded time (fast-check)', () => {
    fc.assert(
      fc.property(unit, tail, (u, t) => {
        const text = repeatTo(u, MB, t);
        for (const [name, extract] of EXTRACTORS) {
          const ms = timed(() => extract(text));
          if (ms > bound(text)) throw new Error(`${name} took ${ms.toFixed(0)} ms on ${JSON.stringify(u)}×…`);
        }
      }),
      { numRuns: 4, seed: 14 },
    );
  }, 120_000);
});

// Small inputs over an alphabet of delimiter pieces, so blocks open, close, nest and fail to close often.
const piece = fc.constantFrom(
  '<think>',
  '</think>',
  '<Think>',
  '</THINK>',
  '<answer>',
  '</answer>',
  '<',
  '>',
  '/',
  'a',
  ' ',
  '\n',
  'İ',
  'x',
);
const small = fc.array(piece, { maxLength: 30 }).map((a) => a.join(''));

describe('block scanners give what the regular expressions gave', () => {
  it('removeBlocks = replace(/<think>[\\s\\S]*?<\\/think>/g[i])', () => {
    fc.assert(
      fc.property(small, (text) => {
        expect(removeBlocks(text, '<think>', '</think>')).toBe(text.replace(/<think>[\s\S]*?<\/think>/g, ''));
        expect(removeBlocks(text, '<think>', '</think>', true)).toBe(
          text.replace(/<think>[\s\S]*?<\/think>/gi, ''),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('blockContents = matchAll(/<answer>([\\s\\S]*?)<\\/answer>/gi)', () => {
    fc.assert(
      fc.property(small, (text) => {
        const old = [...text.matchAll(/<answer>([\s\S]*?)<\/answer>/gi)].map((m) => m[1]);
        expect(blockContents(text, '<answer>', '</answer>', true)).toEqual(old);
      }),
      { numRuns: 2000 },
    );
  });

  it("the judge's stripThink = the regular-expression version", () => {
    const old = (text: string) => {
      let out = text.replace(/<think>[\s\S]*?<\/think>/gi, '');
      if (out.search(/<\/think>/i) >= 0) out = out.slice(out.toLowerCase().lastIndexOf('</think>') + 8);
      const open = out.search(/<think>/i);
      if (open >= 0) out = out.slice(0, open);
      return out.trim();
    };
    // 'İ' lowercases to two code units: the old version cut at a shifted index there, so it is left out
    const plain = small.filter((t) => !t.includes('İ'));
    fc.assert(
      fc.property(plain, (text) => {
        expect(stripThink(text)).toBe(old(text));
      }),
      { numRuns: 2000 },
    );
    expect(stripThink('İİ</think>answer')).toBe('answer');
  });
});

describe('lastBoxed scans each brace once and finds what the scan from every opener found', () => {
  // the old algorithm, brute force: every opener from the last one, each group scanned to the end of the text
  const old = (text: string): string | undefined => {
    const openers = [...text.matchAll(/\\(boxed|fbox)/g)].reverse();
    for (const { index, 1: cmd } of openers) {
      const after = index + cmd!.length + 1;
      const brace = after + (text.slice(after).length - text.slice(after).trimStart().length);
      const spaces = text.slice(after, brace);
      if (text[brace] === '{' && !/[^ ]/.test(spaces)) {
        const group = bracedGroup(text, brace);
        if (group) return group.content.trim();
      } else if (cmd === 'boxed' && spaces.startsWith(' ')) {
        const token = /^ +([^\s$]+)/.exec(text.slice(after));
        if (token) return token[1];
      }
    }
    return undefined;
  };
  const latex = fc
    .array(fc.constantFrom('\\boxed', '\\fbox', '{', '}', '\\', ' ', '1', 'x', '$', '\\{'), { maxLength: 25 })
    .map((a) => a.join(''));
  it('agrees with the old scan on generated LaTeX', () => {
    fc.assert(
      fc.property(latex, (text) => {
        expect(lastBoxed(text)).toBe(old(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('judge verdict parsing gives what the regular expressions gave', () => {
  const VERDICT_LINE =
    /^[\s*_#>`-]*(?:final\s+)?(?:verdict|judgement|judgment|score|grade|decision|winner)[\s*_`]*[:：=][\s*_`]*(.+?)[\s*_`.]*$/i;
  const oldFinal = (output: string) => {
    const lines = stripThink(output)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const last = lines.at(-1);
    return last === undefined ? undefined : VERDICT_LINE.exec(last)?.[1]?.trim();
  };
  const oldAny = (output: string) => {
    const lines = output.split(/\r?\n/).map((l) => l.trim());
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = VERDICT_LINE.exec(lines[i]!);
      if (m) return m[1]!.trim();
    }
    return undefined;
  };
  const reply = fc
    .array(
      fc.constantFrom(
        'VERDICT',
        'verdict',
        'Final ',
        'score',
        ':',
        '：',
        '=',
        ' ',
        '*',
        '_',
        '`',
        '.',
        '#',
        '>',
        '-',
        'yes',
        'no',
        '7',
        '/10',
        '\n',
        'A',
        '"',
      ),
      { maxLength: 14 },
    )
    .map((a) => a.join(''));
  it('finalVerdictLine and anyVerdictLine', () => {
    fc.assert(
      fc.property(reply, (text) => {
        expect(finalVerdictLine(text)).toBe(oldFinal(text));
        expect(anyVerdictLine(text)).toBe(oldAny(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('structuredVerdict, yesNo and verdictNumber', () => {
    const oldStructured = (output: string) => {
      const text = stripThink(output)
        .replace(/^```(?:json)?\s*/i, '')
        .replace(/\s*```$/, '');
      try {
        const v: unknown = JSON.parse(text);
        return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
      } catch {
        return undefined;
      }
    };
    const json = fc
      .array(fc.constantFrom('```', 'json', '{"verdict":"yes"}', '{}', ' ', '\n', '[1]', 'x'), {
        maxLength: 6,
      })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(json, (t) => {
        expect(structuredVerdict(t)).toEqual(oldStructured(t));
      }),
      { numRuns: 2000 },
    );

    const oldBare = (w: string) =>
      w
        .trim()
        .toLowerCase()
        .replace(/^["'“”‘’([]+|["'“”‘’)\].,!]+$/g, '');
    const word = fc
      .array(fc.constantFrom('"', "'", '“', '”', '(', ')', '[', ']', '.', ',', '!', 'yes', 'No', ' ', 'x'), {
        maxLength: 8,
      })
      .map((a) => a.join(''));
    const YES = ['yes', 'y', 'correct', 'true', 'equivalent', 'right', '是', '对', '正确'];
    fc.assert(
      fc.property(word, (w) => {
        const b = oldBare(w);
        if (YES.includes(b)) expect(yesNo(w)).toBe(true);
        else if (b === 'no') expect(yesNo(w)).toBe(false);
        else expect(yesNo(w)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );

    const oldNumber = (v: string) => {
      const m = /^\s*(-?\d+(?:\.\d+)?)\s*(?:\/\s*\d+(?:\.\d+)?|out of\s+\d+)?\s*$/i.exec(
        v.replace(/\*+/g, ''),
      );
      return m ? Number(m[1]) : undefined;
    };
    const score = fc
      .array(fc.constantFrom('7', '-', '.', '5', '/', '10', ' out of ', 'OUT OF ', ' ', '*', 'x', '\n'), {
        maxLength: 8,
      })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(score, (v) => {
        expect(verdictNumber(v)).toBe(oldNumber(v));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('fencedBlocks finds exactly the blocks of a markdown document', () => {
  const prose = fc.constantFrom('Here is the code:', 'text with ``` inside', '', 'Done.', '  indented prose');
  const codeLine = fc.constantFrom('x = 1', '  return a', '', 'print("```")', '~~ not a fence', '``');
  const block = fc.record({
    fence: fc.constantFrom('```', '````', '~~~', '~~~~~'),
    tag: fc.constantFrom('', 'python', 'Py', 'c++', 'js'),
    lines: fc.array(codeLine, { maxLength: 4 }),
  });
  it('recovers each generated block, tag and content', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(prose, block), { maxLength: 5 }), prose, (parts, end) => {
        const text = [...parts.flatMap(([p, b]) => [p, b.fence + b.tag, ...b.lines, b.fence]), end].join(
          '\n',
        );
        expect(fencedBlocks(text)).toEqual(
          parts.map(([, b]) => ({ tag: b.tag.toLowerCase(), code: b.lines.join('\n') })),
        );
      }),
      { numRuns: 1000 },
    );
  });
  it('a closing fence is the same character and at least as long; an unclosed fence holds the rest', () => {
    expect(fencedBlocks('````py\na\n```\nb\n`````\n')).toEqual([{ tag: 'py', code: 'a\n```\nb' }]);
    expect(fencedBlocks('~~~\na\n```\n~~~')).toEqual([{ tag: '', code: 'a\n```' }]);
    expect(fencedBlocks('```\n```')).toEqual([{ tag: '', code: '' }]);
    expect(fencedBlocks('```python\nx\n```\n```\nnever closed\n```python\ny')).toEqual([
      { tag: 'python', code: 'x' },
    ]);
    expect(fencedBlocks('```python\r\nx\r\n```\r\n')).toEqual([{ tag: 'python', code: 'x\r' }]);
  });
  it('extractProgram on a 1 MB response of unclosed fences and <think> finds no program, quickly', () => {
    const text = repeatTo('<think>', MB / 2) + repeatTo('\n```a', MB / 2);
    expect(extractProgram(text, 'python', 'fence')).toBeUndefined();
  });
});

describe('definesFunction gives what (^|\\n)\\s*(async\\s+)?def\\s+NAME\\s*\\( gave on Python source', () => {
  const line = fc
    .array(
      fc.constantFrom(
        'def f(',
        'async def f(',
        'def  f (',
        'def f2(',
        'def g(',
        '    ',
        '\t',
        'x = 1',
        ' ',
        'async  def  f(',
        '#',
      ),
      {
        maxLength: 4,
      },
    )
    .map((a) => a.join(''));
  it('agrees on generated programs (newlines only between lines, as in Python)', () => {
    const old = (p: string) => /(^|\n)\s*(async\s+)?def\s+f\s*\(/.test(p);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), (lines) => {
        const program = lines.join('\n');
        expect(definesFunction(program, 'f')).toBe(old(program));
      }),
      { numRuns: 3000 },
    );
    expect(definesFunction('x\n\n   \n  def f(a):', 'f')).toBe(true);
    expect(definesFunction('x = "def f("', 'f')).toBe(false);
    expect(definesFunction('def f.x(', 'f.x')).toBe(true); // the name is matched literally
  });
});
