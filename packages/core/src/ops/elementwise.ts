/**
 * Elementwise operations: unary functions, broadcasting arithmetic, comparisons and `where`.
 *
 * Shapes: unary operations keep `x.shape`; binary operations, comparisons and `where` broadcast
 * their arguments with NumPy's rules and return the broadcast shape.
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import type { BinaryOp, CompareOp, UnaryOp } from '../Backend.js'
import { shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { expectTensor, lift, type TensorLike } from './args.js'

/**
 * A function of one tensor: `x` of any shape → a tensor of `x.shape` and `x.dtype`.
 *
 * @category model
 * @since 0.1.0
 */
export type UnaryFn = (x: Tensor) => Tensor

/**
 * A function of two broadcast arguments, at least one a tensor: `a`, `b` → the broadcast shape.
 *
 * @category model
 * @since 0.1.0
 */
export interface BinaryFn {
  (a: Tensor, b: TensorLike): Tensor
  (a: number, b: Tensor): Tensor
}

const unary =
  (op: UnaryOp): UnaryFn =>
  (x) =>
    bind(op, [expectTensor(op, 'x', x)], {})

const binary = (op: BinaryOp): BinaryFn => {
  const f = (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = lift(op, [
      ['a', a],
      ['b', b],
    ])
    return bind(op, [x, y], {})
  }
  return f
}

const comparison = (op: CompareOp): BinaryFn => {
  const f = (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = lift(op, [
      ['a', a],
      ['b', b],
    ])
    return bind(op, [x, y], {})
  }
  return f
}

/** −x. @category elementwise @since 0.1.0 */
export const neg = unary('neg')
/** |x|. @category elementwise @since 0.1.0 */
export const abs = unary('abs')
/** −1, 0 or 1 by the sign of x (NaN stays NaN). @category elementwise @since 0.1.0 */
export const sign = unary('sign')
/** x². @category elementwise @since 0.1.0 */
export const square = unary('square')
/** √x. @category elementwise @since 0.1.0 */
export const sqrt = unary('sqrt')
/** 1/√x. @category elementwise @since 0.1.0 */
export const rsqrt = unary('rsqrt')
/** 1/x. @category elementwise @since 0.1.0 */
export const reciprocal = unary('reciprocal')
/** eˣ. @category elementwise @since 0.1.0 */
export const exp = unary('exp')
/** eˣ − 1, accurate near 0. @category elementwise @since 0.1.0 */
export const expm1 = unary('expm1')
/** Natural logarithm. @category elementwise @since 0.1.0 */
export const log = unary('log')
/** log(1 + x), accurate near 0. @category elementwise @since 0.1.0 */
export const log1p = unary('log1p')
/** sin x. @category elementwise @since 0.1.0 */
export const sin = unary('sin')
/** cos x. @category elementwise @since 0.1.0 */
export const cos = unary('cos')
/** Hyperbolic tangent. @category elementwise @since 0.1.0 */
export const tanh = unary('tanh')
/** 1/(1 + e⁻ˣ), without overflow. @category elementwise @since 0.1.0 */
export const sigmoid = unary('sigmoid')
/** log(1 + eˣ), without overflow. @category elementwise @since 0.1.0 */
export const softplus = unary('softplus')
/** max(x, 0). @category elementwise @since 0.1.0 */
export const relu = unary('relu')
/** Largest integer ≤ x. @category elementwise @since 0.1.0 */
export const floor = unary('floor')
/** Smallest integer ≥ x. @category elementwise @since 0.1.0 */
export const ceil = unary('ceil')
/** Nearest integer, halves to even. @category elementwise @since 0.1.0 */
export const round = unary('round')

/** a + b, broadcast. @category elementwise @since 0.1.0 */
export const add = binary('add')
/** a − b, broadcast. @category elementwise @since 0.1.0 */
export const sub = binary('sub')
/** a · b, broadcast. @category elementwise @since 0.1.0 */
export const mul = binary('mul')
/** a / b, broadcast. @category elementwise @since 0.1.0 */
export const div = binary('div')
/** aᵇ, broadcast. @category elementwise @since 0.1.0 */
export const pow = binary('pow')
/** Elementwise maximum (NaN wins), broadcast. @category elementwise @since 0.1.0 */
export const maximum = binary('maximum')
/** Elementwise minimum (NaN wins), broadcast. @category elementwise @since 0.1.0 */
export const minimum = binary('minimum')

/** 1 where a = b, else 0. @category comparisons @since 0.1.0 */
export const equal = comparison('equal')
/** 1 where a ≠ b, else 0. @category comparisons @since 0.1.0 */
export const notEqual = comparison('notEqual')
/** 1 where a < b, else 0. @category comparisons @since 0.1.0 */
export const less = comparison('less')
/** 1 where a ≤ b, else 0. @category comparisons @since 0.1.0 */
export const lessEqual = comparison('lessEqual')
/** 1 where a > b, else 0. @category comparisons @since 0.1.0 */
export const greater = comparison('greater')
/** 1 where a ≥ b, else 0. @category comparisons @since 0.1.0 */
export const greaterEqual = comparison('greaterEqual')

/**
 * `cond ≠ 0 ? a : b` elementwise. `cond`, `a` and `b` broadcast together; `a` and `b` share a
 * dtype (numbers take it); `cond` may have either dtype but must share the backend.
 *
 * @category comparisons
 * @since 0.1.0
 */
export const where = (cond: Tensor, a: TensorLike, b: TensorLike): Tensor => {
  const c = expectTensor('where', 'cond', cond)
  const [x, y] = lift('where', [
    ['a', a],
    ['b', b],
  ])
  if (c.backend !== x.backend) {
    throw shapeError('where', 'cond', `mixed backends: cond is on '${c.backend.name}' but a is on '${x.backend.name}'`, {
      cond: c.shape,
      a: x.shape,
    })
  }
  return bind('where', [c, x, y], {})
}

/**
 * Clamps every element into `[lo, hi]`.
 *
 * @category elementwise
 * @since 0.1.0
 */
export const clip = (x: Tensor, lo: number, hi: number): Tensor => minimum(maximum(x, lo), hi)

/**
 * The identity on values with no derivative: gradients do not flow through it.
 * `x`: any shape; returns `x.shape`.
 *
 * @category elementwise
 * @since 0.1.0
 */
export const stopGradient = (x: Tensor): Tensor => bind('stopGradient', [expectTensor('stopGradient', 'x', x)], {})
