/**
 * The whole-sequence recurrence kernels of `cpuFast` (`kernels/recurrenceWasm.ts`):
 *
 * - they pass the conformance kit's recurrence cases (against core's composed definitions on the
 *   reference backend, float32 and float64 — float64 is declined, and core composes);
 * - in float32 they give exactly the bits of core's composed definition evaluated on `cpuFast`
 *   (the same kernels in the same order), for both directions, batches of 1 to 6 rows (the
 *   unpacked and the packed product) and sizes that are not multiples of the SIMD width;
 * - a recurrent weight kept packed across calls (an immutable operand seen twice) gives the same
 *   bits as a fresh one, and a different weight of the same shape is not mistaken for it.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the cases per check.
 */
import { fc, test } from '@fast-check/vitest'
import * as R from '@recur/core'
import { registerConformance } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpuFast } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`recurrence kernels: seed ${seed}, ${numRuns} cases\n`)

describe('cpuFast recurrence kernels conform to the composed definitions', () => {
  registerConformance(cpuFast, it, {
    seed,
    numRuns,
    kernels: [],
    endToEnd: false,
    fused: ['lstmRecurrence', 'lstmRecurrenceBackward', 'gruRecurrence', 'gruRecurrenceBackward'],
  })
})

const place = { backend: cpuFast, dtype: 'float32' } as const
const spread = (shape: readonly number[], salt: number, k: number, scale = 1): R.Tensor => {
  const n = shape.reduce((a, b) => a * b, 1)
  return R.fromFlat(
    Array.from({ length: n }, (_, i) => scale * Math.sin(salt * 7919 + k * 15485863 + i * 104729 + 0.5)),
    shape,
    place,
  )
}
const bits = (ts: readonly R.Tensor[]): number[][] => ts.map((t) => Array.from(t.toTypedArray()))

const { fused: fastKernels, ...rest } = cpuFast
const {
  lstmRecurrence: _a,
  lstmRecurrenceBackward: _b,
  gruRecurrence: _c,
  gruRecurrenceBackward: _d,
  ...gateKernels
} = fastKernels ?? {}
/** cpuFast without the recurrence kernels: core composes them from cpuFast's other kernels. */
const composing: R.Backend = { ...rest, name: 'cpu-fast composing', fused: gateKernels }
const onto = (t: R.Tensor, backend: R.Backend) => R.fromTypedArray(t.toTypedArray(), t.shape, { backend })

const sizes = fc.record({
  l: fc.integer({ min: 1, max: 5 }),
  n: fc.integer({ min: 1, max: 6 }),
  h: fc.integer({ min: 1, max: 9 }),
  reverse: fc.boolean(),
  salt: fc.integer({ min: 1, max: 2 ** 20 }),
})

/** The same tensors on the composing backend. */
const composed = <const T extends readonly R.Tensor[]>(ts: T): { readonly [K in keyof T]: R.Tensor } =>
  ts.map((t) => onto(t, composing)) as { readonly [K in keyof T]: R.Tensor }

describe('in float32 the kernels give the bits of the composition on cpuFast', () => {
  test.prop([sizes], { seed, numRuns: 40 })(
    'LSTM forward (with and without residuals) and backward',
    ({ l, n, h, reverse, salt }) => {
      const i = 1 + (salt % 7)
      const inputs = [
        spread([l, n, i], salt, 0, 2),
        spread([4 * h, i], salt, 8, 1 / Math.sqrt(i)),
        spread([4 * h, h], salt, 1, 1 / Math.sqrt(h)),
        spread([4 * h], salt, 7),
        spread([n, h], salt, 2),
        spread([n, h], salt, 3),
      ] as const
      const [ys, cs, gates] = R.lstmRecurrence(...inputs, { reverse })
      expect(bits([ys, cs, gates])).toEqual(bits(R.lstmRecurrence(...composed(inputs), { reverse })))
      const light = R.lstmRecurrence(...inputs, { reverse, residuals: false })
      expect(bits(light)).toEqual(bits(R.lstmRecurrence(...composed(inputs), { reverse, residuals: false })))
      const args = [
        gates,
        cs,
        inputs[5],
        inputs[2],
        spread([l, n, h], salt, 4),
        spread([n, h], salt, 5),
        spread([n, h], salt, 6),
      ] as const
      const back = R.lstmRecurrenceBackward(...args, { reverse })
      expect(bits(back)).toEqual(bits(R.lstmRecurrenceBackward(...composed(args), { reverse })))
    },
  )

  test.prop([sizes], { seed, numRuns: 40 })(
    'GRU forward (with and without residuals) and backward',
    ({ l, n, h, reverse, salt }) => {
      const i = 1 + (salt % 7)
      const inputs = [
        spread([l, n, i], salt, 0, 2),
        spread([3 * h, i], salt, 8, 1 / Math.sqrt(i)),
        spread([3 * h, h], salt, 1, 1 / Math.sqrt(h)),
        spread([3 * h], salt, 7),
        spread([3 * h], salt, 2),
        spread([n, h], salt, 3),
      ] as const
      const [ys, xb, hp] = R.gruRecurrence(...inputs, { reverse })
      expect(bits([ys, xb, hp])).toEqual(bits(R.gruRecurrence(...composed(inputs), { reverse })))
      const light = R.gruRecurrence(...inputs, { reverse, residuals: false })
      expect(bits(light)).toEqual(bits(R.gruRecurrence(...composed(inputs), { reverse, residuals: false })))
      const args = [xb, hp, ys, inputs[5], inputs[2], spread([l, n, h], salt, 4), spread([n, h], salt, 5)] as const
      const back = R.gruRecurrenceBackward(...args, { reverse })
      expect(bits(back)).toEqual(bits(R.gruRecurrenceBackward(...composed(args), { reverse })))
    },
  )
})

describe('kept weights', () => {
  it('a weight kept packed across calls gives the same bits; another weight of its shape is not confused with it', () => {
    const [l, n, h] = [6, 8, 64]
    const x = spread([l, n, 16], 1, 0, 2)
    const wi = spread([4 * h, 16], 1, 8, 0.25)
    const b = spread([4 * h], 1, 7)
    const [h0, c0] = [spread([n, h], 1, 2), spread([n, h], 1, 3)]
    const w1 = spread([4 * h, h], 1, 1, 0.1)
    const w2 = spread([4 * h, h], 2, 1, 0.1)
    const first = bits(R.lstmRecurrence(x, wi, w1, b, h0, c0))
    // the second and third sightings of w1 use its kept packed copy
    expect(bits(R.lstmRecurrence(x, wi, w1, b, h0, c0))).toEqual(first)
    expect(bits(R.lstmRecurrence(x, wi, w1, b, h0, c0))).toEqual(first)
    const other = bits(R.lstmRecurrence(x, wi, w2, b, h0, c0))
    expect(other).not.toEqual(first)
    expect(bits(R.lstmRecurrence(x, wi, w2, b, h0, c0))).toEqual(other)
    expect(bits(R.lstmRecurrence(x, wi, onto(w1, cpuFast), b, h0, c0))).toEqual(first)
  })
})
