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
import type { Abstract, Linear, Rule } from './Rule.js'

/**
 * A unary primitive whose derivative is `d(x)` (`undefined`: piecewise constant, no derivative),
 * read from its input; a node keeps the input only. Inputs are guaranteed by the operation
 * wrappers, hence the `!`.
 */
const fromInput = <K extends UnaryOp>(name: K, d: ((x: Tensor) => Tensor | number) | undefined): Rule<K> => ({
  shape: ([s]) => E.right(s!),
  impl: (b, [x]) => b.unary(name, x!),
  jvp: ([x], [t]) => (d === undefined ? undefined : scale(t, d(x!))),
  keeps: 'inputs',
  vjp: (ct, [x]) => [d === undefined ? undefined : op.mul(ct, d(x!))],
})

/**
 * A unary primitive whose derivative `d(y)` is written from its output `y`, where that is natural
 * (`tanh`: 1 − y², `sigmoid`: y(1 − y), `exp`: y): it costs no extra transcendental, and a node
 * keeps the output only.
 */
const fromOutput = <K extends UnaryOp>(name: K, d: (y: Tensor) => Tensor | number): Rule<K> => ({
  shape: ([s]) => E.right(s!),
  impl: (b, [x]) => b.unary(name, x!),
  jvp: (_, [t], y) => scale(t, d(y)),
  keeps: 'output',
  vjp: (ct, _, y) => [op.mul(ct, d(y))],
})

/** A piecewise-constant unary primitive (sign, floor, …): no derivative, and nothing kept. */
const constant = <K extends UnaryOp>(name: K): Rule<K> => ({
  shape: ([s]) => E.right(s!),
  impl: (b, [x]) => b.unary(name, x!),
  jvp: () => undefined,
  keeps: 'shapes',
  vjp: () => [undefined],
})

/** The unary rules. */
export const unaryRules: { readonly [K in UnaryOp]: Rule<K> } = {
  neg: {
    shape: ([s]) => E.right(s!),
    impl: (b, [x]) => b.unary('neg', x!),
    jvp: (_, [t]) => negate(t),
    keeps: 'shapes',
    vjp: (ct) => [negate(ct)],
  },
  abs: fromInput('abs', (x) => op.sign(x)),
  sign: constant('sign'),
  square: fromInput('square', (x) => op.mul(x, 2)),
  sqrt: fromOutput('sqrt', (y) => op.div(0.5, y)),
  rsqrt: fromOutput('rsqrt', (y) => op.mul(op.mul(op.mul(y, y), y), -0.5)),
  reciprocal: fromOutput('reciprocal', (y) => op.neg(op.mul(y, y))),
  exp: fromOutput('exp', (y) => y),
  expm1: fromOutput('expm1', (y) => op.add(y, 1)),
  log: fromInput('log', (x) => op.reciprocal(x)),
  log1p: fromInput('log1p', (x) => op.reciprocal(op.add(x, 1))),
  sin: fromInput('sin', (x) => op.cos(x)),
  cos: fromInput('cos', (x) => op.neg(op.sin(x))),
  tanh: fromOutput('tanh', (y) => op.sub(1, op.mul(y, y))),
  sigmoid: fromOutput('sigmoid', (y) => op.mul(y, op.sub(1, y))),
  softplus: fromInput('softplus', (x) => op.sigmoid(x)),
  relu: fromInput('relu', (x) => op.greater(x, 0)),
  floor: constant('floor'),
  ceil: constant('ceil'),
  round: constant('round'),
}

const binaryShape =
  <K extends BinaryOp | CompareOp>(name: K): Rule<K>['shape'] =>
  ([a, b]) =>
    broadcast(name, ['a', a!], ['b', b!])

type Partials = readonly [Linear | number, Linear | number]

/** The cotangents of a broadcasting binary primitive with partials `[da, db]`. */
const pulled = (ct: Tensor, a: Abstract, b: Abstract, [da, db]: Partials): readonly Linear[] => {
  const ga = factor(ct, da)
  const gb = factor(ct, db)
  return [ga === undefined ? undefined : unbroadcast(ga, a.shape), gb === undefined ? undefined : unbroadcast(gb, b.shape)]
}

/**
 * A broadcasting binary primitive given the partial derivatives `∂out/∂a` and `∂out/∂b` as
 * tensors broadcastable to the output; a node keeps the inputs and the output.
 */
const binary = <K extends BinaryOp>(name: K, partials: (a: Tensor, b: Tensor, y: Tensor) => Partials): Rule<K> => ({
  shape: binaryShape(name),
  impl: (be, [a, b], _, out) => be.binary(name, a!, b!, out),
  jvp: ([a, b], [ta, tb], y) => {
    const [da, db] = partials(a!, b!, y)
    return expand(plus(ta === undefined ? undefined : factor(ta, da), tb === undefined ? undefined : factor(tb, db)), y.shape)
  },
  vjp: (ct, [a, b], y) => pulled(ct, a!, b!, partials(a!, b!, y)),
})

/** {@link binary} with partials read from the inputs alone (mul, maximum, …): a node keeps only the inputs. */
const binaryOfInputs = <K extends BinaryOp>(name: K, partials: (a: Tensor, b: Tensor) => Partials): Rule<K> => ({
  ...binary(name, partials),
  keeps: 'inputs',
  vjp: (ct, [a, b]) => pulled(ct, a!, b!, partials(a!, b!)),
})

/**
 * `a + b` or `a − b` (`sign` 1 or −1): linear, so the VJP needs only the input shapes and a node
 * keeps no values.
 */
const linearBinary = <K extends 'add' | 'sub'>(name: K, sign: 1 | -1): Rule<K> => ({
  shape: binaryShape(name),
  impl: (be, [a, b], _, out) => be.binary(name, a!, b!, out),
  jvp: (_, [ta, tb], y) => expand(plus(ta, tb === undefined ? undefined : factor(tb, sign)), y.shape),
  keeps: 'shapes',
  vjp: (ct, [a, b]) => [unbroadcast(ct, a!.shape), unbroadcast(factor(ct, sign)!, b!.shape)],
})

/** `t · d` where `d` may be the number 1 or −1 (cheap), another number, a tensor, or zero. */
const factor = (t: Tensor, d: Linear | number): Linear =>
  d === 1 ? t : d === -1 ? negate(t) : d === undefined ? undefined : op.mul(t, d)

/** Weights that split a tie evenly, as PyTorch and JAX do: 1 where `a` wins, ½ at ties, else 0. */
const winner = (wins: Tensor, ties: Tensor): Tensor => op.add(wins, op.mul(ties, 0.5))

/** The binary rules. */
export const binaryRules: { readonly [K in BinaryOp]: Rule<K> } = {
  add: linearBinary('add', 1),
  sub: linearBinary('sub', -1),
  mul: binaryOfInputs('mul', (a, b) => [b, a]),
  div: binary('div', (_, b, y) => [op.reciprocal(b), op.neg(op.div(y, b))]),
  pow: binary('pow', (a, b, y) => [
    op.mul(b, op.pow(a, op.sub(b, 1))),
    // log a at a = 0 is −∞ while y = 0 there: use log 1 = 0 so that the product is 0, not NaN.
    op.mul(y, op.log(op.where(op.equal(a, 0), 1, a))),
  ]),
  maximum: binaryOfInputs('maximum', (a, b) => {
    const wa = winner(op.greater(a, b), op.equal(a, b))
    return [wa, op.sub(1, wa)]
  }),
  minimum: binaryOfInputs('minimum', (a, b) => {
    const wa = winner(op.less(a, b), op.equal(a, b))
    return [wa, op.sub(1, wa)]
  }),
}

const comparison = <K extends CompareOp>(name: K): Rule<K> => ({
  shape: binaryShape(name),
  impl: (be, [a, b], _, out) => be.compare(name, a!, b!, out),
  jvp: () => undefined,
  keeps: 'shapes',
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
  keeps: 'inputs',
  vjp: (ct, [c, a, b]) => [undefined, unbroadcast(op.where(c!, ct, 0), a!.shape), unbroadcast(op.where(c!, 0, ct), b!.shape)],
}

/** `cast`: linear; the cotangent goes back to the input dtype. */
export const castRule: Rule<'cast'> = {
  shape: ([s]) => E.right(s!),
  dtype: (_, { dtype }) => dtype,
  impl: (be, [x], { dtype }) => be.cast(x!, dtype),
  jvp: (_, [t], __, { dtype }) => cast(t!, dtype),
  keeps: 'shapes',
  vjp: (ct, [x]) => [cast(ct, x!.dtype)],
}

/** `stopGradient`: the identity with no derivative. */
export const stopGradientRule: Rule<'stopGradient'> = {
  shape: ([s]) => E.right(s!),
  impl: (_, [x]) => x!.data,
  jvp: () => undefined,
  keeps: 'shapes',
  vjp: () => [undefined],
}
