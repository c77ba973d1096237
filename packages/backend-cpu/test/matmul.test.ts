import { fc, test } from '@fast-check/vitest'
import type { DType, Operand, Shape } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { matmul } from '../src/kernels/matmul.js'

/** A small deterministic PRNG (mulberry32), so large inputs need not come from fast-check. */
const prng = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sizeOf = (shape: Shape): number => shape.reduce((x, y) => x * y, 1)

/** An operand of `shape` filled from `next`: mostly uniform in [-2, 2), sometimes small integers. */
const operand = (dtype: DType, shape: Shape, next: () => number): Operand => {
  const length = sizeOf(shape)
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)
  for (let i = 0; i < length; i++) data[i] = next() < 0.1 ? Math.floor(next() * 7) - 3 : next() * 4 - 2
  return { shape, dtype, data }
}

const at = (data: Operand['data'], i: number): number => data[i] ?? Number.NaN

/**
 * The naive definition, in float64: for every output entry the sum Σ_p a_ip·b_pj (in order p =
 * 0, 1, …) and the magnitude Σ_p |a_ip·b_pj| that bounds its rounding error.
 */
const reference = (a: Operand, b: Operand, tA: boolean, tB: boolean, outShape: Shape) => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0,
    n = outShape[rank - 1] ?? 0
  const k = (tA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  const batch = outShape.slice(0, rank - 2)
  const count = sizeOf(batch)
  const value = new Float64Array(count * m * n),
    magnitude = new Float64Array(count * m * n)
  for (let t = 0; t < count; t++) {
    // Row-major batch index → offsets of a's and b's matrices, repeating dimensions of size 1.
    let rest = t,
      aOff = 0,
      bOff = 0,
      aStride = m * k,
      bStride = k * n
    for (let d = batch.length - 1; d >= 0; d--) {
      const dim = batch[d] ?? 1,
        idx = rest % dim
      rest = Math.floor(rest / dim)
      const ad = a.shape[d] ?? 1,
        bd = b.shape[d] ?? 1
      if (ad !== 1) aOff += idx * aStride
      if (bd !== 1) bOff += idx * bStride
      aStride *= ad
      bStride *= bd
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0,
          abs = 0
        for (let p = 0; p < k; p++) {
          const x = at(a.data, aOff + (tA ? p * m + i : i * k + p))
          const y = at(b.data, bOff + (tB ? j * k + p : p * n + j))
          s += x * y
          abs += Math.abs(x * y)
        }
        value[t * m * n + i * n + j] = s
        magnitude[t * m * n + i * n + j] = abs
      }
    }
  }
  return { value, magnitude, k }
}

/**
 * Checks `matmul` against {@link reference}.
 *
 * Tolerances. Any summation order of k products in float64 is within γ_k·Σ|a·b| of the exact sum,
 * γ_k = k·2⁻⁵³/(1 − k·2⁻⁵³) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), so the
 * kernel's sum S and the naive sum N differ by δ ≤ 2γ_k·Σ ≈ k·2⁻⁵²·Σ; we allow 8·k·2⁻⁵²·Σ. For k = 0
 * this demands exact zeros.
 *
 * float32: the inputs are float32 values, exact in float64; the kernel returns fl32(S), we expect
 * X = fl32(N). Rounding is monotone, so when fl32(S) ≠ fl32(N) a float32 rounding boundary lies
 * within δ of both, and (δ being far below a float32 ulp) the two are adjacent float32 numbers,
 * which differ by at most 2⁻²³·|X|. Near zero, where ulps stop scaling with |X|, the results are
 * within δ plus the rounding of S, which the generous 8·k·2⁻⁵²·Σ term covers.
 */
const check = (a: Operand, b: Operand, tA: boolean, tB: boolean, outShape: Shape): void => {
  const out = matmul(a, b, tA, tB, outShape)
  const { value, magnitude, k } = reference(a, b, tA, tB, outShape)
  expect(out).toBeInstanceOf(a.dtype === 'float32' ? Float32Array : Float64Array)
  expect(out.length).toBe(value.length)
  expect(out).not.toBe(a.data)
  expect(out).not.toBe(b.data)
  let worst = 0,
    worstAt = -1
  for (let i = 0; i < value.length; i++) {
    const expected = a.dtype === 'float32' ? Math.fround(value[i] ?? 0) : (value[i] ?? 0)
    const tolerance = (a.dtype === 'float32' ? 2 ** -23 * Math.abs(expected) : 0) + 8 * k * 2 ** -52 * (magnitude[i] ?? 0)
    const excess = Math.abs((out[i] ?? Number.NaN) - expected) - tolerance
    if (!(excess <= 0) && (worstAt < 0 || excess > worst || Number.isNaN(excess))) [worst, worstAt] = [excess, i]
  }
  if (worstAt >= 0) {
    const detail = `entry ${worstAt}: got ${out[worstAt]}, expected ${value[worstAt]} (Σ|ab| = ${magnitude[worstAt]})`
    expect.fail(`${a.dtype} [${a.shape}]${tA ? 'ᵀ' : ''} · [${b.shape}]${tB ? 'ᵀ' : ''}: ${detail}`)
  }
}

/** Shapes of a and b for an [m, k] · [k, n] product with the given transpose flags. */
const shapes = (batchA: Shape, batchB: Shape, m: number, n: number, k: number, tA: boolean, tB: boolean) => ({
  aShape: [...batchA, ...(tA ? [k, m] : [m, k])],
  bShape: [...batchB, ...(tB ? [n, k] : [k, n])],
})

/** One case: operands of both dtypes built from a seed. */
const run = (
  dtype: DType,
  seed: number,
  batchA: Shape,
  batchB: Shape,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
): void => {
  const next = prng(seed)
  const { aShape, bShape } = shapes(batchA, batchB, m, n, k, tA, tB)
  const batch = batchA.map((d, i) => (d === 1 ? (batchB[i] ?? 1) : d))
  check(operand(dtype, aShape, next), operand(dtype, bShape, next), tA, tB, [...batch, m, n])
}

const dtypes: readonly DType[] = ['float32', 'float64']

describe('matmul kernel', () => {
  test.prop(
    [
      fc.record({
        m: fc.nat(70),
        n: fc.nat(70),
        k: fc.nat(70),
        tA: fc.boolean(),
        tB: fc.boolean(),
        batch: fc.array(fc.record({ dim: fc.nat(3), broadcastA: fc.boolean(), broadcastB: fc.boolean() }), { maxLength: 2 }),
        dtype: fc.constantFrom<DType>('float32', 'float64'),
        seed: fc.integer(),
      }),
    ],
    { numRuns: 300 },
  )('equals the naive float64 product (random sizes, transposes, broadcast batches, dtypes)', (c) => {
    // A batch dimension may be 1 on one side only, so that it broadcasts to `dim`.
    const batchA = c.batch.map((d) => (d.broadcastA ? 1 : d.dim))
    const batchB = c.batch.map((d) => (d.broadcastB && !d.broadcastA ? 1 : d.dim))
    run(c.dtype, c.seed, batchA, batchB, c.m, c.n, c.k, c.tA, c.tB)
  })

  it.each(dtypes)('k = 0 gives zeros (%s)', (dtype) => {
    const a: Operand = { shape: [3, 0], dtype, data: dtype === 'float32' ? new Float32Array(0) : new Float64Array(0) }
    const b: Operand = { shape: [0, 5], dtype, data: dtype === 'float32' ? new Float32Array(0) : new Float64Array(0) }
    const out = matmul(a, b, false, false, [3, 5])
    expect(Array.from(out)).toEqual(new Array<number>(15).fill(0))
    const big = matmul({ ...a, shape: [2, 100, 0] }, { ...b, shape: [1, 0, 90] }, false, false, [2, 100, 90])
    expect(big.length).toBe(18000)
    expect(big.every((x) => x === 0)).toBe(true)
  })

  it.each(dtypes)('empty results: m = 0, n = 0, batch of 0 (%s)', (dtype) => {
    run(dtype, 1, [], [], 0, 7, 5, false, false)
    run(dtype, 2, [], [], 7, 0, 5, true, true)
    run(dtype, 3, [0, 2], [1, 2], 6, 7, 5, false, true)
    expect(
      matmul(operand(dtype, [0, 4, 5], Math.random), operand(dtype, [1, 5, 6], Math.random), false, false, [0, 4, 6]).length,
    ).toBe(0)
  })

  it('a fixed 2×3 · 3×2 example, all transpose flags', () => {
    const a = [1, 2, 3, 4, 5, 6],
      at = [1, 4, 2, 5, 3, 6]
    const b = [7, 8, 9, 10, 11, 12],
      bt = [7, 9, 11, 8, 10, 12]
    const expected = [58, 64, 139, 154]
    for (const dtype of dtypes) {
      const of = (data: number[], shape: Shape): Operand => ({ shape, dtype, data: Float64Array.from(data) })
      const op = (data: number[], shape: Shape): Operand =>
        dtype === 'float32' ? { ...of(data, shape), data: Float32Array.from(data) } : of(data, shape)
      expect(Array.from(matmul(op(a, [2, 3]), op(b, [3, 2]), false, false, [2, 2]))).toEqual(expected)
      expect(Array.from(matmul(op(at, [3, 2]), op(b, [3, 2]), true, false, [2, 2]))).toEqual(expected)
      expect(Array.from(matmul(op(a, [2, 3]), op(bt, [2, 3]), false, true, [2, 2]))).toEqual(expected)
      expect(Array.from(matmul(op(at, [3, 2]), op(bt, [2, 3]), true, true, [2, 2]))).toEqual(expected)
    }
  })

  it('broadcasts a batch of 1 on either side', () => {
    const a: Operand = { shape: [1, 1, 2], dtype: 'float64', data: Float64Array.from([1, 2]) }
    const b: Operand = { shape: [3, 2, 1], dtype: 'float64', data: Float64Array.from([1, 1, 2, 0, 0, 5]) }
    expect(Array.from(matmul(a, b, false, false, [3, 1, 1]))).toEqual([3, 2, 10])
    expect(Array.from(matmul(b, a, true, true, [3, 1, 1]))).toEqual([3, 2, 10])
  })

  it('returns a fresh array on every call', () => {
    const a = operand('float64', [80, 80], prng(5)),
      b = operand('float64', [80, 80], prng(6))
    const first = matmul(a, b, false, false, [80, 80])
    const copy = Float64Array.from(first)
    const second = matmul(b, a, false, false, [80, 80])
    expect(second).not.toBe(first)
    expect(first).toEqual(copy)
  })

  // Crosses the MC = 64 row blocks, tile edges (m, n, k not multiples of 4) and, with k > 256 and
  // n > 1024, the KC and NC blocks.
  describe.each(dtypes)('large products (%s)', (dtype) => {
    it.each([
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ])('300×150 · 150×200, transposeA %s, transposeB %s', (tA, tB) => run(dtype, 11, [], [], 300, 200, 150, tA, tB))
    it('70×300 · 300×1030 (crosses KC and NC)', () => run(dtype, 12, [], [], 70, 1030, 300, false, true))
    it('stacked batch [3, 70, 257] · [1, 257, 33]', () => run(dtype, 13, [3], [1], 70, 33, 257, false, false))
    it('broadcast a: [1, 65, 130] · [2, 130, 67], transposed', () => run(dtype, 14, [1], [2], 65, 67, 130, true, true))
  })
})
