/**
 * Schedules are pure functions of the step; their values at given steps (PyTorch's schedulers
 * are compared step by step in pytorch.test.ts).
 */
import { describe, expect, it } from 'vitest'
import { constant, cosineDecay, exponentialDecay, linearWarmup, rateAt, stepDecay } from '../../src/optim/index.js'

const at = (f: (step: number) => number, steps: number[]): number[] => steps.map(f)

describe('schedules', () => {
  it('constant', () => {
    expect(at(constant(0.3), [0, 1, 1000])).toEqual([0.3, 0.3, 0.3])
    expect(rateAt(0.3, 7)).toBe(0.3)
  })

  it('stepDecay multiplies by gamma every stepSize steps', () => {
    expect(at(stepDecay(1, { stepSize: 3, gamma: 0.5 }), [0, 2, 3, 5, 6, 9])).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125])
    expect(stepDecay(2, { stepSize: 10 })(10)).toBeCloseTo(0.2, 15)
  })

  it('exponentialDecay: gamma^(step/every), or stepwise with staircase', () => {
    expect(at(exponentialDecay(1, 0.5), [0, 1, 2, 3])).toEqual([1, 0.5, 0.25, 0.125])
    expect(exponentialDecay(1, 0.25, { every: 2 })(1)).toBe(0.5)
    expect(exponentialDecay(1, 0.25, { every: 2, staircase: true })(1)).toBe(1)
  })

  it('cosineDecay goes from init to final over decaySteps, through the midpoint, then stays', () => {
    const f = cosineDecay(1, 100, { final: 0.1 })
    expect(f(0)).toBe(1)
    expect(f(50)).toBeCloseTo(0.55, 15)
    expect(f(100)).toBeCloseTo(0.1, 15)
    expect(f(250)).toBeCloseTo(0.1, 15)
    expect(cosineDecay(2, 4)(1)).toBeCloseTo(1 + Math.SQRT1_2, 15)
  })

  it('linearWarmup ramps to the next schedule’s start, then runs it from its step 0', () => {
    const f = linearWarmup(4, stepDecay(1, { stepSize: 2, gamma: 0.1 }))
    expect(at(f, [0, 1, 2, 3])).toEqual([0, 0.25, 0.5, 0.75])
    expect(at(f, [4, 5, 6]).map((v) => v.toFixed(12))).toEqual(['1.000000000000', '1.000000000000', '0.100000000000'])
    expect(linearWarmup(2, 0.8, { start: 0.2 })(1)).toBeCloseTo(0.5, 15)
    expect(linearWarmup(2, 0.8)(10)).toBe(0.8)
  })

  it('rejects bad arguments, naming them', () => {
    expect(() => stepDecay(1, { stepSize: 0 })).toThrow(/stepDecay: stepSize must be a positive integer/)
    expect(() => cosineDecay(1, 2.5)).toThrow(/cosineDecay: decaySteps/)
    expect(() => linearWarmup(-1, 1)).toThrow(/linearWarmup: warmupSteps/)
    expect(() => exponentialDecay(1, -0.5)).toThrow(/exponentialDecay: gamma/)
  })
})
