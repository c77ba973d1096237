import { fc, test } from '@fast-check/vitest'
import type { DType, Operand, Shape } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { matmul } from '../src/kernels/matmul.js'
import { operand, prng, run } from './matmulReference.js'

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
    run(matmul, c.dtype, c.seed, batchA, batchB, c.m, c.n, c.k, c.tA, c.tB)
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
    run(matmul, dtype, 1, [], [], 0, 7, 5, false, false)
    run(matmul, dtype, 2, [], [], 7, 0, 5, true, true)
    run(matmul, dtype, 3, [0, 2], [1, 2], 6, 7, 5, false, true)
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
    ])('300×150 · 150×200, transposeA %s, transposeB %s', (tA, tB) => run(matmul, dtype, 11, [], [], 300, 200, 150, tA, tB))
    it('70×300 · 300×1030 (crosses KC and NC)', () => run(matmul, dtype, 12, [], [], 70, 1030, 300, false, true))
    it('stacked batch [3, 70, 257] · [1, 257, 33]', () => run(matmul, dtype, 13, [3], [1], 70, 33, 257, false, false))
    it('broadcast a: [1, 65, 130] · [2, 130, 67], transposed', () => run(matmul, dtype, 14, [1], [2], 65, 67, 130, true, true))
  })
})
