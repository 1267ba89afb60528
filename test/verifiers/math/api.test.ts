import { describe, expect, it } from 'vitest';
import { extractMathAnswer, mathEquivalent } from '../../../src/verifiers/math/index.js';

describe('math public API', () => {
  it('extracts the last boxed answer', () => {
    expect(extractMathAnswer('so $\\boxed{\\frac{1}{2}}$.')).toBe('\\frac{1}{2}');
    expect(extractMathAnswer('Let us think.')).toBeUndefined();
  });
  it('compares raw answers', () => {
    expect(mathEquivalent('\\frac{1}{2}', '0.5')).toBe(true);
    expect(mathEquivalent('$\\boxed{2}$', '3')).toBe(false);
  });
});
