/**
 * `slice` on an immutable operand (a tensor's data) returns a view of it when the block is one
 * contiguous run holding at least 1/64 of the source, and a copy otherwise (strided blocks, tiny
 * blocks that would keep a large source alive, and operands whose data may change). Views and
 * copies hold the same elements as the reference backend's slice, on random shapes and blocks.
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { fc, test } from '@fast-check/vitest'
import type { Operand } from '@recur/core'
import { reference } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpu } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`slice views: seed ${seed}\n`)

const operand = (shape: number[], immutable: boolean): Operand & { data: Float32Array } => {
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 0.5)
  return { shape, dtype: 'float32', data, immutable }
}

const shares = (a: Float32Array, b: unknown): boolean => b instanceof Float32Array && b.buffer === a.buffer

describe('slice views', () => {
  it('a contiguous block of a sequence (leading axis) is a view, with the right elements', () => {
    const x = operand([100, 4, 8], true)
    const got = cpu.slice(x, [30, 0, 0], [20, 4, 8])
    expect(shares(x.data, got)).toBe(true)
    expect(Array.from(got as Float32Array)).toEqual(Array.from(reference.slice(x, [30, 0, 0], [20, 4, 8]) as Float32Array))
  })

  it('copies a strided block, a block under 1/64 of its source, and a mutable operand; views from 1/64 up', () => {
    const x = operand([100, 4, 8], true)
    expect(shares(x.data, cpu.slice(x, [0, 1, 0], [100, 2, 8]))).toBe(false) // strided
    expect(shares(x.data, cpu.slice(x, [99, 0, 0], [1, 4, 8]))).toBe(false) // 1/100 of x
    expect(shares(x.data, cpu.slice(x, [98, 0, 0], [2, 4, 8]))).toBe(true) // 1/50 of x: a view
    const y = operand([64, 4, 8], true)
    expect(shares(y.data, cpu.slice(y, [3, 0, 0], [1, 4, 8]))).toBe(true) // exactly 1/64: a view
    expect(shares(x.data, cpu.slice({ ...x, immutable: false }, [0, 0, 0], [50, 4, 8]))).toBe(false)
  })

  test.prop(
    [
      fc
        .array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 })
        .chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.tuple(
              ...shape.map((d) =>
                fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b }))),
              ),
            ),
          ),
        ),
    ],
    { seed, numRuns: 300 },
  )('views and copies equal the reference slice', ([shape, blocks]) => {
    const x = operand(shape, true)
    const begin = blocks.map(([b]) => b)
    const size = blocks.map(([, n]) => n)
    const got = cpu.slice(x, begin, size)
    expect(got).toBeInstanceOf(Float32Array)
    expect(Array.from(got as Float32Array)).toEqual(Array.from(reference.slice(x, begin, size) as Float32Array))
  })
})
