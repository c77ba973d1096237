/**
 * Arbitraries for kernel operands: data of a shape and dtype with bounded values, plus rare
 * special values (±0, ±∞, NaN) so that kernels are checked on them too.
 *
 * @since 0.1.0
 */
import type { DType, Operand, Shape } from '@recur/core'
import { Shapes } from '@recur/core'
import fc from 'fast-check'

/**
 * What values to generate.
 *
 * @category model
 * @since 0.1.0
 */
export interface ValueConstraints {
  /** Values lie in [-bound, bound] (default 8). */
  readonly bound?: number
  /** Mix in ±0, ±∞ and NaN now and then (default true). Multiples of ½ (exact halves, ties) are always mixed in. */
  readonly specials?: boolean
  /** Only small integers in [-bound, bound]: produces ties, exact sums (default false). */
  readonly integers?: boolean
}

/**
 * One element value; float32 values are representable in float32.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const value = (dtype: DType, c: ValueConstraints = {}): fc.Arbitrary<number> => {
  const bound = c.bound ?? 8
  const base = c.integers === true ? fc.integer({ min: -bound, max: bound }) : fc.double({ min: -bound, max: bound, noNaN: true })
  const rounded = dtype === 'float32' ? base.map(Math.fround) : base
  const halves = fc.integer({ min: -2 * bound, max: 2 * bound }).map((i) => i / 2)
  const mixed = c.integers === true ? rounded : fc.oneof({ weight: 4, arbitrary: rounded }, { weight: 1, arbitrary: halves })
  if (c.specials === false) return mixed
  return fc.oneof(
    { weight: 30, arbitrary: mixed },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN) },
  )
}

/**
 * Row-major data for `shape` in `dtype`.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const operandOf = (shape: Shape, dtype: DType, c: ValueConstraints = {}): fc.Arbitrary<Operand> => {
  const n = Shapes.size(shape)
  return fc.array(value(dtype, c), { minLength: n, maxLength: n }).map((values) => ({
    shape,
    dtype,
    data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values),
  }))
}

/**
 * Either dtype.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const dtype: fc.Arbitrary<DType> = fc.constantFrom<DType>('float32', 'float64')

/**
 * Integer indices in `[0, bound)` laid out as `shape`, stored in `dtype` (as core passes them).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const indicesOf = (shape: Shape, bound: number, dtype: DType): fc.Arbitrary<Operand> => {
  const n = Shapes.size(shape)
  return fc.array(fc.integer({ min: 0, max: Math.max(0, bound - 1) }), { minLength: n, maxLength: n }).map((values) => ({
    shape,
    dtype,
    data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values),
  }))
}

/**
 * Renders an operand for counterexamples: `float32[2,3](1, 2, …)`.
 *
 * @category formatting
 * @since 0.1.0
 */
export const showOperand = (x: Operand): string =>
  `${x.dtype}[${x.shape.join(',')}](${Array.from({ length: x.data.length }, (_, i) => String(x.data[i])).join(', ')})`
