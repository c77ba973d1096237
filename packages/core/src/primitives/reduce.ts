/**
 * Rules of the reductions: sum, prod, max, min, argmax/argmin, and the numerically stable
 * logSumExp and logSoftmax (computed with the max subtracted; their derivatives are written from
 * their outputs).
 *
 * Axes arrive resolved (sorted, distinct, in range); the shape rule re-checks them.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Backend, Operand, ReadonlyData, ReduceOp } from '../Backend.js'
import { div, equal, exp, mul, sub } from '../ops/elementwise.js'
import { broadcastTo, reshape } from '../ops/movement.js'
import { sum } from '../ops/reduce.js'
import type { Shape } from '../Shape.js'
import { type ShapeError, shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import type { Rule, Vjp } from './Rule.js'

/** The shape without `axes`, after checking them. */
export const reducedShape = (
  op: string,
  shape: Shape,
  axes: readonly number[],
  nonEmpty: boolean,
): E.Either<ShapeError, Shape> => {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i] ?? -1
    if (!Number.isInteger(a) || a < 0 || a >= shape.length || (i > 0 && a <= (axes[i - 1] ?? -1))) {
      return E.left(
        shapeError(op, 'axes', `axes [${axes.join(', ')}] must be sorted, distinct and in range for rank ${shape.length}`, {
          x: shape,
        }),
      )
    }
    if (nonEmpty && shape[a] === 0)
      return E.left(shapeError(op, 'x', `cannot take the ${op} over an axis of size 0`, { x: shape }))
  }
  return E.right(shape.filter((_, i) => !axes.includes(i)))
}

/** `shape` with the reduced axes kept as 1. */
const keptShape = (shape: Shape, axes: readonly number[]): Shape => shape.map((d, i) => (axes.includes(i) ? 1 : d))

/** A reduced value (or cotangent) stretched back over the input's shape. */
const spread = (t: Tensor, x: { readonly shape: Shape }, axes: readonly number[]): Tensor =>
  broadcastTo(reshape(t, keptShape(x.shape, axes)), x.shape)

const view = (shape: Shape, like: Operand, data: ReadonlyData): Operand => ({ shape, dtype: like.dtype, data })

/** logΣexp over `axes` with kernels: m + log Σ exp(x − m), where m is the max (0 if not finite). */
const logSumExpData = (be: Backend, x: Operand, axes: readonly number[]): ReadonlyData => {
  const out = x.shape.filter((_, i) => !axes.includes(i))
  if (axes.some((a) => x.shape[a] === 0)) return be.fill(out, x.dtype, Number.NEGATIVE_INFINITY)
  const keep = keptShape(x.shape, axes)
  const m = be.reduce('max', x, axes)
  const safe = finiteOrZero(be, view(out, x, m))
  const shifted = be.binary('sub', x, view(keep, x, safe), x.shape)
  const total = be.reduce('sum', view(x.shape, x, be.unary('exp', view(x.shape, x, shifted))), axes)
  return be.binary('add', view(out, x, be.unary('log', view(out, x, total))), view(out, x, safe), out)
}

/** Replaces ±∞ and NaN by 0, so that subtracting the max never makes ∞ − ∞. */
const finiteOrZero = (be: Backend, m: Operand): ReadonlyData => {
  const finite = be.compare(
    'less',
    view(m.shape, m, be.unary('abs', m)),
    view([], m, be.fill([], m.dtype, Number.POSITIVE_INFINITY)),
    m.shape,
  )
  return be.where(view(m.shape, m, finite), m, view([], m, be.fill([], m.dtype, 0)), m.shape)
}

const reduction = <K extends ReduceOp>(name: K, jvp: Rule<K>['jvp'], vjp: Vjp<K, Tensor, Tensor>): Rule<K> => ({
  shape: ([s], { axes }) => reducedShape(name, s!, axes, name === 'max' || name === 'min'),
  impl: (be, [x], { axes }) => be.reduce(name, x!, axes),
  jvp,
  vjp,
})

/** Where the extreme value sits, with ties sharing the derivative equally (as JAX). */
const extremeWeights = (x: Tensor, y: Tensor, axes: readonly number[]): Tensor => {
  const hits = equal(x, reshape(y, keptShape(x.shape, axes)))
  return div(hits, spread(sum(hits, { axes }), x, axes))
}

const extreme = <K extends 'max' | 'min'>(name: K): Rule<K> =>
  reduction(
    name,
    ([x], [t], y, { axes }) => sum(mul(t!, extremeWeights(x!, y, axes)), { axes }),
    (ct, [x], y, { axes }) => [mul(spread(ct, x!, axes), extremeWeights(x!, y, axes))],
  )

/** prod's derivative y/x is exact only without zeros; with a zero in the input we refuse. */
const prodFactor = (x: Tensor, y: Tensor, axes: readonly number[]): Tensor => {
  if (x.toFlat().includes(0)) {
    throw new Error(
      'prod: the derivative of a product over an input containing 0 is not supported; mask the zeros or use exp(sum(log(x)))',
    )
  }
  return div(spread(y, x, axes), x)
}

/** The reduction rules. */
export const reduceRules: { readonly [K in ReduceOp]: Rule<K> } = {
  sum: {
    shape: ([s], { axes }) => reducedShape('sum', s!, axes, false),
    impl: (be, [x], { axes }) => be.reduce('sum', x!, axes),
    jvp: (_, [t], __, { axes }) => sum(t!, { axes }),
    keeps: 'shapes',
    vjp: (ct, [x], _, { axes }) => [spread(ct, x!, axes)],
  },
  prod: reduction(
    'prod',
    ([x], [t], y, { axes }) => sum(mul(t!, prodFactor(x!, y, axes)), { axes }),
    (ct, [x], y, { axes }) => [mul(spread(ct, x!, axes), prodFactor(x!, y, axes))],
  ),
  max: extreme('max'),
  min: extreme('min'),
}

const argReduction = <K extends 'argmax' | 'argmin'>(name: K): Rule<K> => ({
  shape: ([s], { axis }) => reducedShape(name, s!, [axis], true),
  impl: (be, [x], { axis }) => be.argReduce(name, x!, axis),
  jvp: () => undefined,
  keeps: 'shapes',
  vjp: () => [undefined],
})

/** argmax / argmin: integer-valued, no derivative. */
export const argRules = { argmax: argReduction('argmax'), argmin: argReduction('argmin') }

/** log Σ exp over axes. */
export const logSumExpRule: Rule<'logSumExp'> = {
  shape: ([s], { axes }) => reducedShape('logSumExp', s!, axes, false),
  impl: (be, [x], { axes }) => logSumExpData(be, x!, axes),
  jvp: ([x], [t], y, { axes }) => sum(mul(t!, exp(sub(x!, spread(y, x!, axes)))), { axes }),
  vjp: (ct, [x], y, { axes }) => [mul(spread(ct, x!, axes), exp(sub(x!, spread(y, x!, axes))))],
}

/** x − logΣexp(x) along one axis; derivatives from the output: softmax = exp(y). */
export const logSoftmaxRule: Rule<'logSoftmax'> = {
  shape: ([s], { axis }) => E.map(() => s!)(reducedShape('logSoftmax', s!, [axis], false)),
  impl: (be, [x], { axis }) =>
    be.binary('sub', x!, view(keptShape(x!.shape, [axis]), x!, logSumExpData(be, x!, [axis])), x!.shape),
  jvp: (_, [t], y, { axis }) => sub(t!, sum(mul(t!, exp(y)), { axes: [axis], keepDims: true })),
  keeps: 'output',
  vjp: (ct, _, y, { axis }) => [sub(ct, mul(exp(y), sum(ct, { axes: [axis], keepDims: true })))],
}
