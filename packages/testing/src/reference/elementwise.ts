/**
 * Reference elementwise kernels: `unary`, `binary`, `compare` and `where`.
 *
 * Each scalar function is written out once, in float64; the kernels apply it to every element
 * (after broadcasting, for the kernels of several arguments) and round the results to the dtype.
 *
 * @since 0.1.0
 */
import type { BinaryOp, CompareOp, Operand, ReadonlyData, Shape, UnaryOp } from '@recur/core'
import { allIndices, at, broadcastIndex, toData, toNumbers } from './multiIndex.js'

/**
 * Rounds to the nearest integer, and a value exactly halfway between two integers to the even
 * one (0.5 → 0, 1.5 → 2, 2.5 → 2, −1.5 → −2). NaN and ±Infinity are returned unchanged.
 *
 * @category scalar
 * @since 0.1.0
 */
export const roundHalfEven = (x: number): number => {
  if (!Number.isFinite(x)) return x
  const below = Math.floor(x)
  const fraction = x - below // exact: the fractional part of a double is representable
  if (fraction < 0.5) return below
  if (fraction > 0.5) return below + 1
  return below % 2 === 0 ? below : below + 1
}

/**
 * The logistic function 1/(1+e⁻ˣ), written so that neither branch overflows.
 *
 * @category scalar
 * @since 0.1.0
 */
export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))

/**
 * log(1+eˣ), written so that it does not overflow for large x.
 *
 * @category scalar
 * @since 0.1.0
 */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))

/**
 * The scalar definition of every unary op.
 *
 * @category scalar
 * @since 0.1.0
 */
export const unaryScalar: Readonly<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  abs: (x) => Math.abs(x),
  sign: (x) => Math.sign(x),
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(x),
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  exp: (x) => Math.exp(x),
  expm1: (x) => Math.expm1(x),
  log: (x) => Math.log(x),
  log1p: (x) => Math.log1p(x),
  sin: (x) => Math.sin(x),
  cos: (x) => Math.cos(x),
  tanh: (x) => Math.tanh(x),
  sigmoid,
  softplus,
  relu: (x) => (Number.isNaN(x) ? Number.NaN : Math.max(x, 0)),
  floor: (x) => Math.floor(x),
  ceil: (x) => Math.ceil(x),
  round: roundHalfEven,
}

/**
 * The scalar definition of every binary op. `maximum` and `minimum` give NaN if either side is NaN.
 *
 * @category scalar
 * @since 0.1.0
 */
export const binaryScalar: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b)),
}

/**
 * The scalar definition of every comparison, as JavaScript compares (so NaN is unequal to all).
 *
 * @category scalar
 * @since 0.1.0
 */
export const compareScalar: Readonly<Record<CompareOp, (a: number, b: number) => boolean>> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
}

/**
 * Reads each operand at the position broadcasting maps every output multi-index of `outShape`
 * to, and combines the values with `f`. The result is in output row-major order.
 *
 * @category combinators
 * @since 0.1.0
 */
export const mapBroadcast = (
  operands: readonly Operand[],
  outShape: Shape,
  f: (values: readonly number[]) => number,
): number[] => {
  const inputs = operands.map((x) => ({ shape: x.shape, values: toNumbers(x.data) }))
  return allIndices(outShape).map((outIndex) =>
    f(inputs.map(({ shape, values }) => at(values, shape, broadcastIndex(outIndex, shape)))),
  )
}

/**
 * `op` applied to every element of `x`. Output: `x.shape`, `x.dtype`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const unary = (op: UnaryOp, x: Operand): ReadonlyData => toData(x.dtype, toNumbers(x.data).map(unaryScalar[op]))

/**
 * `op` applied elementwise to `a` and `b` broadcast to `outShape`, in the dtype of `a`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const binary = (op: BinaryOp, a: Operand, b: Operand, outShape: Shape): ReadonlyData =>
  toData(
    a.dtype,
    mapBroadcast([a, b], outShape, ([x = 0, y = 0]) => binaryScalar[op](x, y)),
  )

/**
 * 1 where `a op b` holds and 0 elsewhere, broadcast to `outShape`, in the dtype of `a`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const compare = (op: CompareOp, a: Operand, b: Operand, outShape: Shape): ReadonlyData =>
  toData(
    a.dtype,
    mapBroadcast([a, b], outShape, ([x = 0, y = 0]) => (compareScalar[op](x, y) ? 1 : 0)),
  )

/**
 * `a` where `cond ≠ 0` (NaN counts as true) and `b` elsewhere, all broadcast to `outShape`, in
 * the dtype of `a`.
 *
 * @category kernels
 * @since 0.1.0
 */
export const where = (cond: Operand, a: Operand, b: Operand, outShape: Shape): ReadonlyData =>
  toData(
    a.dtype,
    mapBroadcast([cond, a, b], outShape, ([c = 0, x = 0, y = 0]) => (c !== 0 ? x : y)),
  )
