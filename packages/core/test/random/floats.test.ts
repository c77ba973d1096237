/**
 * Random float samplers: the documented conversions from words, shapes and dtypes, ranges after
 * rounding, prefix laws, and statistical sanity of uniform, normal and bernoulli.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as Random from '../../src/Random.js'
import { callUnchecked, expectShapeErrors, mean, o32, o64, TWO_32, TWO_53, variance, within } from './helpers.js'

describe('uniform', () => {
  it('float32 is (w >>> 8) / 2^24 and float64 is the 53-bit ((w0 >>> 5)·2^26 + (w1 >>> 6)) / 2^53', () => {
    const k = Random.key(5)
    const ws = Random.bits(k, 8)
    expect(Random.uniform(k, [2, 2], o32).toFlat()).toEqual(Array.from(ws.subarray(0, 4), (w) => (w >>> 8) / 2 ** 24))
    const u64 = Random.uniform(k, [4], o64)
    expect(u64.dtype).toBe('float64')
    expect(u64.toFlat()).toEqual(
      Array.from({ length: 4 }, (_, i) => (((ws[2 * i] ?? 0) >>> 5) * 2 ** 26 + ((ws[2 * i + 1] ?? 0) >>> 6)) / TWO_53),
    )
  })

  it('has the requested shape and dtype, and is deterministic', () => {
    const k = Random.key(8)
    const t = Random.uniform(k, [2, 3, 4], o32)
    expect([t.shape, t.dtype]).toEqual([[2, 3, 4], 'float32'])
    expect(Random.uniform(k, [2, 3, 4], o32).toFlat()).toEqual(t.toFlat())
    expect(Random.uniform(k, [], o64).shape).toEqual([])
    expect(Random.uniform(k, [0, 3], o64).size).toBe(0)
  })

  test.prop([
    fc.maxSafeNat(),
    fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    fc.constantFrom('float32' as const, 'float64' as const),
    fc.nat({ max: 64 }),
  ])('lies in [min, max) for both dtypes', (seed, a, b, dtype, n) => {
    fc.pre(a !== b)
    const [min, max] = a < b ? [a, b] : [b, a]
    const t = Random.uniform(Random.key(seed), [n], { backend: cpu, dtype, min, max })
    for (const v of t.toFlat()) {
      expect(v).toBeGreaterThanOrEqual(min)
      expect(v).toBeLessThan(max)
    }
  })

  it.each(['float32', 'float64'] as const)('%s never rounds up to max, even when most draws would', (dtype) => {
    // [1, 1 + 3ε) holds three values of the dtype; without clamping, a sixth of the draws round to max.
    const eps = dtype === 'float32' ? 2 ** -23 : Number.EPSILON
    const max = 1 + 3 * eps
    const values = Random.uniform(Random.key(2), [3000], { backend: cpu, dtype, min: 1, max }).toFlat()
    expect(values.every((v) => v >= 1 && v < max)).toBe(true)
    expect(new Set(values)).toEqual(new Set([1, 1 + eps, 1 + 2 * eps]))
  })

  it('float32 stays below a max that float32 cannot represent', () => {
    // fround(0.1) > 0.1, so the top of the range is the float32 below it.
    const values = Random.uniform(Random.key(4), [5000], { backend: cpu, min: 0.1 - 2 ** -26, max: 0.1 }).toFlat()
    expect(Math.max(...values)).toBeLessThan(0.1)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0.1 - 2 ** -26)
  })

  it.each(['float32', 'float64'] as const)('%s has mean 1/2 and variance 1/12 over 100k samples', (dtype) => {
    const n = 100_000
    const u = Random.uniform(Random.key(2024), [n], { backend: cpu, dtype }).toTypedArray()
    within(mean(u), 0.5, Math.sqrt(1 / 12 / n))
    within(variance(u), 1 / 12, Math.sqrt((1 / 80 - 1 / 144) / n))
  })

  it('passes a Kolmogorov–Smirnov bound and uses more than 32 bits in float64', () => {
    const n = 100_000
    const u = Random.uniform(Random.key(99), [n], o64).toTypedArray().sort()
    let d = 0
    for (let i = 0; i < n; i++) {
      const x = u[i] ?? 0
      d = Math.max(d, Math.abs((i + 1) / n - x), Math.abs(x - i / n))
    }
    expect(d).toBeLessThan(1.95 / Math.sqrt(n))
    expect(Array.from(u).some((x) => !Number.isInteger(x * TWO_32))).toBe(true)
  })

  it('shifts and scales to [min, max)', () => {
    const n = 100_000
    const u = Random.uniform(Random.key(6), [n], { backend: cpu, dtype: 'float64', min: -3, max: 5 }).toTypedArray()
    within(mean(u), 1, Math.sqrt(64 / 12 / n))
  })
})

describe('normal', () => {
  it('is the inverse CDF of the documented midpoint uniforms', () => {
    const k = Random.key(12)
    const ws = Random.bits(k, 8)
    expect(Random.normal(k, [4], o64).toFlat()).toEqual(
      Array.from({ length: 4 }, (_, i) =>
        Random.normalQuantile((((ws[2 * i] ?? 0) >>> 6) * 2 ** 26 + ((ws[2 * i + 1] ?? 0) >>> 6) + 0.5) / 2 ** 52),
      ),
    )
    expect(Random.normal(k, [8], o32).toFlat()).toEqual(
      Array.from(ws, (w) => Math.fround(Random.normalQuantile((w + 0.5) / TWO_32))),
    )
  })

  it.each(['float32', 'float64'] as const)('%s has mean 0, std 1 and normal tails over 100k samples', (dtype) => {
    const n = 100_000
    const z = Random.normal(Random.key(31337), [n], { backend: cpu, dtype }).toTypedArray()
    within(mean(z), 0, Math.sqrt(1 / n))
    within(Math.sqrt(variance(z)), 1, Math.sqrt(1 / (2 * n)))
    const below = Array.from(z).filter((x) => x < -1.959963984540054).length / n
    within(below, 0.025, Math.sqrt((0.025 * 0.975) / n))
    const inside = Array.from(z).filter((x) => Math.abs(x) < 1).length / n
    within(inside, 0.6826894921370859, Math.sqrt((0.6827 * 0.3173) / n))
    expect(z.every(Number.isFinite)).toBe(true)
  })

  it('applies mean and std; std 0 gives the mean', () => {
    const n = 50_000
    const z = Random.normal(Random.key(1), [n], { backend: cpu, dtype: 'float64', mean: 10, std: 3 }).toTypedArray()
    within(mean(z), 10, 3 / Math.sqrt(n))
    within(Math.sqrt(variance(z)), 3, 3 / Math.sqrt(2 * n))
    expect(Random.normal(Random.key(1), [3], { backend: cpu, mean: 2, std: 0 }).toFlat()).toEqual([2, 2, 2])
  })

  test.prop([fc.maxSafeNat(), fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.constantFrom('float32' as const, 'float64' as const)])(
    'uniform, normal and bernoulli of [n] are prefixes of [n + m]',
    (seed, n, m, dtype) => {
      const k = Random.key(seed)
      const o = { backend: cpu, dtype }
      expect(
        Random.normal(k, [n + m], o)
          .toFlat()
          .slice(0, n),
      ).toEqual(Random.normal(k, [n], o).toFlat())
      expect(
        Random.uniform(k, [n + m], o)
          .toFlat()
          .slice(0, n),
      ).toEqual(Random.uniform(k, [n], o).toFlat())
      expect(
        Random.bernoulli(k, 0.5, [n + m], o)
          .toFlat()
          .slice(0, n),
      ).toEqual(Random.bernoulli(k, 0.5, [n], o).toFlat())
    },
  )
})

describe('bernoulli', () => {
  it.each([0.001, 0.3, 0.5, 0.97])('has rate p = %f over 100k samples', (p) => {
    const n = 100_000
    const b = Random.bernoulli(Random.key(77), p, [n], o32).toTypedArray()
    expect(b.every((x) => x === 0 || x === 1)).toBe(true)
    within(mean(b), p, Math.sqrt((p * (1 - p)) / n))
  })

  it('p = 0 gives zeros and p = 1 ones, in the requested shape and dtype', () => {
    const k = Random.key(0)
    expect(
      Random.bernoulli(k, 0, [1000], o32)
        .toFlat()
        .every((x) => x === 0),
    ).toBe(true)
    const ones = Random.bernoulli(k, 1, [10, 100], o64)
    expect([ones.shape, ones.dtype]).toEqual([[10, 100], 'float64'])
    expect(ones.toFlat().every((x) => x === 1)).toBe(true)
  })
})

describe('bad arguments', () => {
  const k = Random.key(0)
  expectShapeErrors([
    [
      () => Random.uniform(k, [2, -1], o32),
      "uniform: dimension 1 is -1; dimensions must be finite non-negative integers (argument 'shape'; shape [2, -1])",
    ],
    [
      () => Random.uniform(k, [2], { ...o32, min: 1, max: 1 }),
      "uniform: max 1 must be greater than min 1 (argument 'options.max')",
    ],
    [
      () => Random.uniform(k, [2], { ...o32, max: Number.POSITIVE_INFINITY }),
      "uniform: options.max must be a finite number, got Infinity (argument 'options.max')",
    ],
    [
      () => Random.uniform(k, [2], { ...o32, min: -Number.MAX_VALUE, max: Number.MAX_VALUE }),
      `uniform: max − min overflows for [${-Number.MAX_VALUE}, ${Number.MAX_VALUE}) (argument 'options.max')`,
    ],
    [
      () => Random.uniform(k, [2], { ...o32, min: 1 + 2 ** -30, max: 1 + 2 ** -29 }),
      `uniform: no float32 value lies in [${1 + 2 ** -30}, ${1 + 2 ** -29}) (argument 'options.max')`,
    ],
    [
      () => callUnchecked(Random.uniform, k, [2], { backend: cpu, dtype: 'int8' }),
      `uniform: unknown dtype "int8"; expected 'float32' or 'float64' (argument 'options.dtype')`,
    ],
    [() => Random.normal(k, [2], { ...o32, std: -1 }), "normal: std must be at least 0, got -1 (argument 'options.std')"],
    [
      () => Random.normal(k, [2], { ...o32, mean: Number.NaN }),
      "normal: options.mean must be a finite number, got NaN (argument 'options.mean')",
    ],
    [() => Random.bernoulli(k, 1.5, [2], o32), "bernoulli: p must be a probability in [0, 1], got 1.5 (argument 'p')"],
    [() => Random.bernoulli(k, Number.NaN, [2], o32), "bernoulli: p must be a probability in [0, 1], got NaN (argument 'p')"],
  ])
})
