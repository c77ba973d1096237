/**
 * Operand arbitraries and helpers shared by the kernel cases.
 *
 * @since 0.1.0
 */
import type { DType, Operand, Shape } from '@recur/core'
import fc from 'fast-check'
import { value } from '../arbitraries/operand.js'
import { shape } from '../arbitraries/shape.js'

/**
 * The dtype arbitrary the cases draw from (the dtypes a conformance run asks for).
 *
 * @category model
 * @since 0.1.0
 */
export type Dt = fc.Arbitrary<DType>

const dataOf = (d: DType, values: readonly number[]): Float32Array | Float64Array =>
  d === 'float32' ? Float32Array.from(values) : Float64Array.from(values)

/**
 * `x` with every element replaced by its magnitude (for the accumulated scale Σ|terms|).
 *
 * @category constructors
 * @since 0.1.0
 */
export const absOperand = (x: Operand): Operand => ({
  ...x,
  data: dataOf(
    x.dtype,
    Array.from({ length: x.data.length }, (_, i) => Math.abs(x.data[i] ?? 0)),
  ),
})

/**
 * `shape` with dimension `axis` set to `d`.
 *
 * @category combinators
 * @since 0.1.0
 */
export const withDim = (s: Shape, axis: number, d: number): Shape => s.map((x, i) => (i === axis ? d : x))

/**
 * A shape of rank ≥ 1 and an axis of it whose dimension is at least 1.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const shapeAndAxis = fc.tuple(shape({ minRank: 1, maxRank: 3 }), fc.nat()).map(([s, r]) => {
  const axis = r % s.length
  return { shape: withDim(s, axis, Math.max(1, s[axis] ?? 1)), axis }
})

/**
 * Operands for the computing kernels: `operandOf`'s values (biased towards small magnitudes,
 * halves and special values) mixed with values spread evenly over [−8, 8] on a grid of 2⁻²¹
 * (representable in float32), so that every part of a function's range — the saturated tails of
 * `sigmoid` and `tanh` included — is reached often.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const spreadOperand = (s: Shape, d: DType): fc.Arbitrary<Operand> => {
  const n = s.reduce((a, b) => a * b, 1)
  const grid = fc.integer({ min: -(2 ** 24), max: 2 ** 24 }).map((i) => i / 2 ** 21)
  const element = fc.oneof({ weight: 3, arbitrary: value(d) }, { weight: 1, arbitrary: grid })
  return fc.array(element, { minLength: n, maxLength: n }).map((values) => ({ shape: s, dtype: d, data: dataOf(d, values) }))
}

/**
 * `[rows, 3·groups]` operands whose rows repeat `[s, t, −s]` (s = ±8, t a small multiple of
 * 2⁻³⁰): summed in float64 a row gives exactly Σt, while a float32 accumulator rounds t away next
 * to s. This family makes sure that accumulating in float32 is caught (or must be allowed
 * explicitly with a tolerance override).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const cancelling = (rows: number, groups: number, d: DType): fc.Arbitrary<Operand> =>
  fc
    .array(fc.tuple(fc.constantFrom(8, -8), fc.integer({ min: 1, max: 2 ** 10 })), {
      minLength: rows * groups,
      maxLength: rows * groups,
    })
    .map((triples) => ({
      shape: [rows, 3 * groups],
      dtype: d,
      data: dataOf(
        d,
        triples.flatMap(([s, t]) => [s, t / 2 ** 30, -s]),
      ),
    }))

/**
 * A `[k, n]` operand of ones.
 *
 * @category constructors
 * @since 0.1.0
 */
export const onesOperand = (k: number, n: number, d: DType): Operand => ({
  shape: [k, n],
  dtype: d,
  data: dataOf(d, new Array<number>(k * n).fill(1)),
})
