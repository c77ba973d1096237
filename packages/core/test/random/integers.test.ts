/** Random integer samplers: permutation and randint are exact, in range, prefix-stable and unbiased. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Random from '../../src/Random.js'
import { chiSquare, expectShapeErrors, within } from './helpers.js'

describe('permutation', () => {
  test.prop([fc.maxSafeNat(), fc.nat({ max: 60 })])('is a permutation of 0..n-1', (seed, n) => {
    const p = Random.permutation(Random.key(seed), n)
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(Random.permutation(Random.key(seed), n)).toEqual(p)
  })

  it('puts 0 in every position about equally often', () => {
    const n = 7
    const trials = 14_000
    const counts = new Array<number>(n).fill(0)
    const root = Random.key(5)
    for (let t = 0; t < trials; t++) {
      const p = Random.permutation(Random.foldIn(root, t), n)
      const at = p.indexOf(0)
      counts[at] = (counts[at] ?? 0) + 1
    }
    // Chi-square with 6 degrees of freedom: P(X > 27.86) = 1e-4.
    expect(chiSquare(counts)).toBeLessThan(27.86)
  })

  it('draws each of the 6 orders of 3 elements about equally often', () => {
    const counts = new Map<string, number>()
    const root = Random.key(6)
    for (let t = 0; t < 12_000; t++) {
      const p = Random.permutation(Random.foldIn(root, t), 3).join('')
      counts.set(p, (counts.get(p) ?? 0) + 1)
    }
    expect(counts.size).toBe(6)
    // Chi-square with 5 degrees of freedom: P(X > 25.74) = 1e-4.
    expect(chiSquare([...counts.values()])).toBeLessThan(25.74)
  })

  it('handles the empty and one-element cases', () => {
    expect(Random.permutation(Random.key(0), 0)).toEqual([])
    expect(Random.permutation(Random.key(0), 1)).toEqual([0])
  })
})

describe('randint', () => {
  test.prop([
    fc.maxSafeNat(),
    fc.integer({ min: -1e15, max: 1e15 }),
    fc.integer({ min: 1, max: 2e15 }),
    fc.nat({ max: 30 }),
    fc.nat({ max: 30 }),
  ])('lies in [low, high), is an integer, and is a prefix of longer draws', (seed, low, width, n, m) => {
    const k = Random.key(seed)
    const xs = Random.randint(k, low, low + width, n + m)
    for (const x of xs) {
      expect(Number.isSafeInteger(x)).toBe(true)
      expect(x >= low && x < low + width).toBe(true)
    }
    expect(Random.randint(k, low, low + width, n)).toEqual(xs.slice(0, n))
  })

  it('covers a small range uniformly', () => {
    const xs = Random.randint(Random.key(21), -3, 4, 70_000)
    const counts = new Array<number>(7).fill(0)
    for (const x of xs) counts[x + 3] = (counts[x + 3] ?? 0) + 1
    // Chi-square with 6 degrees of freedom: P(X > 27.86) = 1e-4.
    expect(chiSquare(counts)).toBeLessThan(27.86)
  })

  it.each([
    ['3·2^30 (one word per try)', 3 * 2 ** 30],
    ['3·2^50 (53 bits per try)', 3 * 2 ** 50],
  ])('is unbiased where plain modulo is not: range %s', (_, m) => {
    // w mod m would put half of the draws (not a third) in the lowest third of the range.
    const n = 60_000
    const xs = Random.randint(Random.key(8), 0, m, n)
    const low = xs.filter((x) => x < m / 3).length / n
    within(low, 1 / 3, Math.sqrt(2 / 9 / n))
    expect(xs.every((x) => x >= 0 && x < m)).toBe(true)
  })

  it('allows a range of exactly 2^53 and a single value', () => {
    const xs = Random.randint(Random.key(1), -(2 ** 52), 2 ** 52, 100)
    expect(xs.every((x) => x >= -(2 ** 52) && x < 2 ** 52)).toBe(true)
    expect(Random.randint(Random.key(1), 5, 6, 3)).toEqual([5, 5, 5])
  })
})

describe('bad arguments', () => {
  const k = Random.key(0)
  expectShapeErrors([
    [() => Random.permutation(k, -1), "permutation: n must be an integer from 0 to 4294967295, got -1 (argument 'n')"],
    [() => Random.permutation(k, 2.5), "permutation: n must be an integer from 0 to 4294967295, got 2.5 (argument 'n')"],
    [() => Random.randint(k, 3, 3, 1), "randint: high 3 must be greater than low 3 (argument 'high')"],
    [() => Random.randint(k, 0.5, 3, 1), "randint: low must be a safe integer, got 0.5 (argument 'low')"],
    [
      () => Random.randint(k, -(2 ** 53 - 1), 2, 1),
      `randint: high − low must be at most 2^53, got [${-(2 ** 53 - 1)}, 2) (argument 'high')`,
    ],
    [
      () => Random.randint(k, 0, 3, -2),
      `randint: n must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got -2 (argument 'n')`,
    ],
  ])
})
