/**
 * `cpuFast`'s `binary` (`kernels/binaryWasm.ts`): on the WebAssembly loop (float32 add, sub, mul,
 * div of whole arrays or one value, at least 4,096 elements) it gives exactly `cpu`'s bits, tails
 * of every length mod 4 included, with ±0, ±∞, NaN and subnormals among the values; calls it does
 * not take (float64, other ops, broadcasting over an axis, small arrays) are `cpu`'s; inputs are
 * not written and the result is a fresh array.
 *
 * Reproduce a run with FC_SEED=<seed printed below>.
 */
import { fc, test } from '@fast-check/vitest'
import type { BinaryOp, Operand } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { cpu, cpuFast } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`cpuFast binary: seed ${seed}\n`)

const specials = [0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-40, -3e-39, 3.4e38]
const data = (n: number, salt: number): Float32Array =>
  Float32Array.from({ length: n }, (_, i) =>
    i % 97 === 5 ? (specials[(i + salt) % specials.length] ?? 0) : Math.sin(salt * 7919 + i * 104729) * 10 ** ((i % 7) - 3),
  )
const operand = (shape: readonly number[], d: Float32Array): Operand => ({ shape, dtype: 'float32', data: d })
const same = (x: ArrayLike<number>, y: ArrayLike<number>) =>
  expect(Array.from(x, (v, i) => Object.is(v, y[i]) || (Number.isNaN(v) && Number.isNaN(y[i] ?? 0)))).not.toContain(false)

describe('cpuFast binary', () => {
  test.prop(
    [
      fc.record({
        op: fc.constantFrom<BinaryOp>('add', 'sub', 'mul', 'div'),
        n: fc.integer({ min: 4096, max: 9000 }),
        form: fc.constantFrom('both', 'scalar a', 'scalar b'),
        salt: fc.integer({ min: 1, max: 2 ** 20 }),
      }),
    ],
    { seed, numRuns: 60 },
  )('the same bits as cpu on the WebAssembly loop', ({ op, n, form, salt }) => {
    const a = form === 'scalar a' ? operand([], data(1, salt)) : operand([n], data(n, salt))
    const b = form === 'scalar b' ? operand([1], data(1, salt + 1)) : operand([n], data(n, salt + 1))
    const before = [Array.from(a.data), Array.from(b.data)]
    const got = cpuFast.binary(op, a, b, [n])
    const want = cpu.binary(op, a, b, [n])
    expect(got).toBeInstanceOf(Float32Array)
    expect(got.length).toBe(n)
    same(got, want)
    same(a.data, before[0] ?? [])
    same(b.data, before[1] ?? [])
    expect(got).not.toBe(a.data)
  })

  it('leaves every other call to cpu’s kernel', () => {
    const n = 5000
    const rows = operand([50, 100], data(n, 3))
    const row = operand([100], data(100, 4))
    same(cpuFast.binary('add', rows, row, [50, 100]), cpu.binary('add', rows, row, [50, 100]))
    same(cpuFast.binary('maximum', rows, rows, [50, 100]), cpu.binary('maximum', rows, rows, [50, 100]))
    const small = operand([10], data(10, 5))
    same(cpuFast.binary('mul', small, small, [10]), cpu.binary('mul', small, small, [10]))
    const wide: Operand = { shape: [n], dtype: 'float64', data: Float64Array.from(data(n, 6)) }
    const got = cpuFast.binary('div', wide, wide, [n])
    expect(got).toBeInstanceOf(Float64Array)
    same(got, cpu.binary('div', wide, wide, [n]))
  })
})
