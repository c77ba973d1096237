/**
 * Rules of the elementwise primitives: unary functions, broadcasting binary arithmetic,
 * comparisons, `where`, `cast` and `stopGradient`.
 *
 * Unary derivatives are written from the output where that is natural (`tanh`: 1 − y², `sigmoid`:
 * y(1 − y), `exp`: y), so the rule costs no extra transcendental.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { BinaryOp, CompareOp, UnaryOp } from '../Backend.js'
import { cast } from '../ops/cast.js'
import * as op from '../ops/elementwise.js'
import { broadcast, broadcastAll } from '../Shape.js'
import type { Tensor } from '../Tensor.js'
import { expand, negate, plus, scale, unbroadcast } from './linear.js'
import type { Linear, Rule } from './Rule.js'

/**
 * A unary primitive whose derivative is `d(x, y)` with `y` its output (`undefined`: piecewise
 * constant, no derivative). Inputs are guaranteed by the operation wrappers, hence the `!`.
 */
const unary = <K extends UnaryOp>(name: K, d: (x: Tensor, y: Tensor) => Tensor | number | undefined): Rule<K> => ({
  shape: ([s]) => E.right(s!),
  impl: (b, [x]) => b.unary(name, x!),
  jvp: ([x], [t], y) => {
    const g = d(x!, y)
    return g === undefined ? undefined : scale(t, g)
  },
  vjp: (ct, [x], y) => {
    const g = d(x!, y)
    return [g === undefined ? undefined : op.mul(ct, g)]
  },
})

const zero = (): undefined => undefined

/** The unary rules. */
export const unaryRules: { readonly [K in UnaryOp]: Rule<K> } = {
  neg: unary('neg', () => -1),
  abs: unary('abs', (x) => op.sign(x)),
  sign: unary('sign', zero),
  square: unary('square', (x) => op.mul(x, 2)),
  sqrt: unary('sqrt', (_, y) => op.div(0.5, y)),
  rsqrt: unary('rsqrt', (_, y) => op.mul(op.mul(op.mul(y, y), y), -0.5)),
  reciprocal: unary('reciprocal', (_, y) => op.neg(op.mul(y, y))),
  exp: unary('exp', (_, y) => y),
  expm1: unary('expm1', (_, y) => op.add(y, 1)),
  log: unary('log', (x) => op.reciprocal(x)),
  log1p: unary('log1p', (x) => op.reciprocal(op.add(x, 1))),
  sin: unary('sin', (x) => op.cos(x)),
  cos: unary('cos', (x) => op.neg(op.sin(x))),
  tanh: unary('tanh', (_, y) => op.sub(1, op.mul(y, y))),
  sigmoid: unary('sigmoid', (_, y) => op.mul(y, op.sub(1, y))),
  softplus: unary('softplus', (x) => op.sigmoid(x)),
  relu: unary('relu', (x) => op.greater(x, 0)),
  floor: unary('floor', zero),
  ceil: unary('ceil', zero),
  round: unary('round', zero),
}

const binaryShape =
  <K extends BinaryOp | CompareOp>(name: K): Rule<K>['shape'] =>
  ([a, b]) =>
    broadcast(name, ['a', a!], ['b', b!])

/**
 * A broadcasting binary primitive given the partial derivatives `∂out/∂a` and `∂out/∂b` as
 * tensors broadcastable to the output.
 */
const binary = <K extends BinaryOp>(
  name: K,
  partials: (a: Tensor, b: Tensor, y: Tensor) => readonly [Linear | number, Linear | number],
): Rule<K> => ({
  shape: binaryShape(name),
  impl: (be, [a, b], _, out) => be.binary(name, a!, b!, out),
  jvp: ([a, b], [ta, tb], y) => {
    const [da, db] = partials(a!, b!, y)
    return expand(plus(ta === undefined ? undefined : factor(ta, da), tb === undefined ? undefined : factor(tb, db)), y.shape)
  },
  vjp: (ct, [a, b], y) => {
    const [da, db] = partials(a!, b!, y)
    const ga = factor(ct, da)
    const gb = factor(ct, db)
    return [ga === undefined ? undefined : unbroadcast(ga, a!.shape), gb === undefined ? undefined : unbroadcast(gb, b!.shape)]
  },
})

/** `t · d` where `d` may be the number 1 or −1 (cheap), another number, a tensor, or zero. */
const factor = (t: Tensor, d: Linear | number): Linear =>
  d === 1 ? t : d === -1 ? negate(t) : d === undefined ? undefined : op.mul(t, d)

/** Weights that split a tie evenly, as PyTorch and JAX do: 1 where `a` wins, ½ at ties, else 0. */
const winner = (wins: Tensor, ties: Tensor): Tensor => op.add(wins, op.mul(ties, 0.5))

/** The binary rules. */
export const binaryRules: { readonly [K in BinaryOp]: Rule<K> } = {
  add: binary('add', () => [1, 1]),
  sub: binary('sub', () => [1, -1]),
  mul: binary('mul', (a, b) => [b, a]),
  div: binary('div', (_, b, y) => [op.reciprocal(b), op.neg(op.div(y, b))]),
  pow: binary('pow', (a, b, y) => [
    op.mul(b, op.pow(a, op.sub(b, 1))),
    // log a at a = 0 is −∞ while y = 0 there: use log 1 = 0 so that the product is 0, not NaN.
    op.mul(y, op.log(op.where(op.equal(a, 0), 1, a))),
  ]),
  maximum: binary('maximum', (a, b) => {
    const wa = winner(op.greater(a, b), op.equal(a, b))
    return [wa, op.sub(1, wa)]
  }),
  minimum: binary('minimum', (a, b) => {
    const wa = winner(op.less(a, b), op.equal(a, b))
    return [wa, op.sub(1, wa)]
  }),
}

const comparison = <K extends CompareOp>(name: K): Rule<K> => ({
  shape: binaryShape(name),
  impl: (be, [a, b], _, out) => be.compare(name, a!, b!, out),
  jvp: () => undefined,
  vjp: () => [undefined, undefined],
})

/** The comparison rules: piecewise constant, so no derivative. */
export const compareRules: { readonly [K in CompareOp]: Rule<K> } = {
  equal: comparison('equal'),
  notEqual: comparison('notEqual'),
  less: comparison('less'),
  lessEqual: comparison('lessEqual'),
  greater: comparison('greater'),
  greaterEqual: comparison('greaterEqual'),
}

/** `where(cond, a, b)`: linear in `a` and `b`; `cond` gets no derivative. */
export const whereRule: Rule<'where'> = {
  shape: ([c, a, b]) =>
    broadcastAll('where', [
      ['cond', c!],
      ['a', a!],
      ['b', b!],
    ]),
  dtype: ([, a]) => a!,
  impl: (be, [c, a, b], _, out) => be.where(c!, a!, b!, out),
  jvp: ([c], [, ta, tb], y) =>
    ta === undefined && tb === undefined ? undefined : expand(op.where(c!, ta ?? 0, tb ?? 0), y.shape),
  vjp: (ct, [c, a, b]) => [undefined, unbroadcast(op.where(c!, ct, 0), a!.shape), unbroadcast(op.where(c!, 0, ct), b!.shape)],
}

/** `cast`: linear; the cotangent goes back to the input dtype. */
export const castRule: Rule<'cast'> = {
  shape: ([s]) => E.right(s!),
  dtype: (_, { dtype }) => dtype,
  impl: (be, [x], { dtype }) => be.cast(x!, dtype),
  jvp: (_, [t], __, { dtype }) => cast(t!, dtype),
  vjp: (ct, [x]) => [cast(ct, x!.dtype)],
}

/** `stopGradient`: the identity with no derivative. */
export const stopGradientRule: Rule<'stopGradient'> = {
  shape: ([s]) => E.right(s!),
  impl: (_, [x]) => x!.data,
  jvp: () => undefined,
  vjp: () => [undefined],
}
