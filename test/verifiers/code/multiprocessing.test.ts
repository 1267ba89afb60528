import { describe, expect, it } from 'vitest';
import { py, warmAndCold } from './warm-and-cold.js';

const { score } = warmAndCold();

// Pickling a function or class by reference imports the module it names. A script's functions live in
// __main__, which python3 can import; the harness runs a program in globals named __candidate__, so
// those globals must be an importable module too, or a Pool of the program's own functions fails
// (a new user found a PicklingError where python3 runs fine).
describe('a program that hands its own functions to a multiprocessing Pool', () => {
  const reference = {
    prompt: 'def squares(xs):\n    """Squares, in parallel."""\n',
    entry_point: 'squares',
    test: 'def check(candidate):\n    assert candidate([1, 2, 3]) == [1, 4, 9]\n',
  };
  const program = py(
    'import multiprocessing\ndef sq(x):\n    return x * x\ndef squares(xs):\n    with multiprocessing.Pool(2) as p:\n        return p.map(sq, xs)',
  );
  for (const path of ['warm', 'cold'] as const)
    it(`passes its tests (${path})`, async () => {
      const [r] = await score(path, [{ response: program, reference }]);
      expect(r, JSON.stringify(r)).toMatchObject({ status: 'ok', score: 1 });
    });
});
