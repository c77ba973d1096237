/**
 * Fused recurrent-cell operations: the elementwise part of an LSTM step and of a (reset-after)
 * GRU step as one primitive each, with their composed definitions.
 *
 * The fused and the composed forms compute the same values (the fused primitive runs a backend's
 * fused kernel when it has one, else exactly the composition); their derivatives agree too, but
 * the fused form records one node for reverse mode instead of about fourteen, and its pullback is
 * one more fused primitive. The LSTM primitive has two results (h and c'), so nothing is sliced. Every operand shares the leading dimensions `…` (the batch `N`, or
 * none for an unbatched step); `H` is the hidden size.
 *
 * @since 0.1.0
 */
import { bind } from '../autodiff/bind.js'
import { bindMany } from '../autodiff/bindMany.js'
import { gruGatesShape, lstmGatesShape } from '../primitives/fusedShapes.js'
import { orThrow } from '../Shape.js'
import type { Tensor } from '../Tensor.js'
import { lift } from './args.js'
import { add, mul, sigmoid, sub, tanh } from './elementwise.js'
import { concat, slice } from './movement.js'

/** The columns `[from, from + width)` of the last axis of `x`. */
const lastAxisSlice = (x: Tensor, from: number, width: number): Tensor => {
  const last = x.rank - 1
  return slice(
    x,
    x.shape.map((_, i) => (i === last ? from : 0)),
    x.shape.map((d, i) => (i === last ? width : d)),
  )
}

/** The last axis of `x` split into `k` equal parts. */
const parts = (x: Tensor, k: number): Tensor[] => {
  const w = (x.shape[x.rank - 1] ?? 0) / k
  return Array.from({ length: k }, (_, j) => lastAxisSlice(x, j * w, w))
}

/**
 * The LSTM cell's elementwise part, fused: `gates` `(…, 4H)` are the pre-activations
 * `x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh` in PyTorch's order i, f, g, o, and `c` `(…, H)` is the cell
 * state. Returns `[h, c']`, both `(…, H)`: `c' = σ(f)⊙c + σ(i)⊙tanh(g)` and `h = σ(o)⊙tanh(c')`
 * (before any projection). Equal in value and derivatives to {@link composedLstmGates}.
 *
 * @example
 * const [h, c1] = lstmGates(add(xp, matmul(h0, w_hh, { transposeB: true })), c0) // (N, 4H), (N, H) → (N, H) twice
 *
 * @category fused
 * @since 0.1.0
 */
export const lstmGates = (gates: Tensor, c: Tensor): readonly [h: Tensor, c: Tensor] => {
  const [g, s] = lift('lstmGates', [
    ['gates', gates],
    ['c', c],
  ])
  const [h, next] = bindMany('lstmGates', [g, s], {}) as [Tensor, Tensor] // the shape rule throws the ShapeError
  return [h, next]
}

/**
 * The definition of {@link lstmGates} as a composition of primitives: gates `(…, 4H)`, c
 * `(…, H)` → `[h, c']`, both `(…, H)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedLstmGates = (gates: Tensor, c: Tensor): readonly [h: Tensor, c: Tensor] => {
  orThrow(lstmGatesShape('lstmGates', [gates.shape, c.shape]))
  const [i, f, g, o] = parts(gates, 4) as [Tensor, Tensor, Tensor, Tensor]
  const next = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)))
  return [mul(sigmoid(o), tanh(next)), next]
}

/**
 * The pullback of {@link composedLstmGates} written out: gates `(…, 4H)`, c `(…, H)` and the
 * cotangents dh, dc' `(…, H)` of its results → `[d gates (…, 4H), d c (…, H)]`. What the
 * `lstmGatesBackward` primitive computes on a backend without the fused kernel.
 */
export const composedLstmGatesBackward = (gates: Tensor, c: Tensor, dh: Tensor, dnext: Tensor): [Tensor, Tensor] => {
  const [i, f, g, o] = parts(gates, 4).map((x, k) => (k === 2 ? tanh(x) : sigmoid(x))) as [Tensor, Tensor, Tensor, Tensor]
  const tc = tanh(add(mul(f, c), mul(i, g)))
  const dc = add(dnext, mul(mul(dh, o), sub(1, mul(tc, tc))))
  const dgates = [
    mul(mul(dc, g), mul(i, sub(1, i))),
    mul(mul(dc, c), mul(f, sub(1, f))),
    mul(mul(dc, i), sub(1, mul(g, g))),
    mul(mul(dh, tc), mul(o, sub(1, o))),
  ]
  return [concat(dgates, gates.rank - 1), mul(dc, f)]
}

/**
 * The pullback of {@link lstmGates} as one primitive (the backend's fused backward kernel when it
 * has one): gates `(…, 4H)`, c `(…, H)` and the cotangents dh, dc' `(…, H)` of its results →
 * `[d gates (…, 4H), d c (…, H)]`. Differentiable (its own rules run through
 * {@link composedLstmGates}' pullback), for hand-written backward passes such as a recurrence's.
 *
 * @category fused
 * @since 0.1.0
 */
export const lstmGatesBackward = (gates: Tensor, c: Tensor, dh: Tensor, dnext: Tensor): readonly [gates: Tensor, c: Tensor] => {
  const xs = lift('lstmGatesBackward', [
    ['gates', gates],
    ['c', c],
    ['dh', dh],
    ['dc', dnext],
  ])
  const [dg, dc] = bindMany('lstmGatesBackward', xs, {}) as [Tensor, Tensor]
  return [dg, dc]
}

/**
 * The GRU cell's elementwise part with the reset gate applied after the recurrent product
 * (PyTorch's `GRU`), fused: `xp` `(…, 3H)` = `x·W_ihᵀ + b_ih`, `hp` `(…, 3H)` = `h·W_hhᵀ + b_hh`
 * (each in the order r, z, n) and the state `h` `(…, H)`. Returns `h'` `(…, H)` =
 * `n + z⊙(h − n)` with `r = σ(x_r + h_r)`, `z = σ(x_z + h_z)`, `n = tanh(x_n + r⊙h_n)`. Equal in
 * value and derivatives to {@link composedGruGates}.
 *
 * @example
 * const h1 = gruGates(xp, matmul(h0, w_hh, { transposeB: true }), h0) // (N, 3H), (N, 3H), (N, H) → (N, H)
 *
 * @category fused
 * @since 0.1.0
 */
export const gruGates = (xp: Tensor, hp: Tensor, h: Tensor): Tensor => {
  const [x, p, s] = lift('gruGates', [
    ['xp', xp],
    ['hp', hp],
    ['h', h],
  ])
  return bind('gruGates', [x, p, s], {}) // the shape rule throws the ShapeError
}

/**
 * The definition of {@link gruGates} as a composition of primitives: xp, hp `(…, 3H)`, h
 * `(…, H)` → `(…, H)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedGruGates = (xp: Tensor, hp: Tensor, h: Tensor): Tensor => {
  orThrow(gruGatesShape('gruGates', [xp.shape, hp.shape, h.shape]))
  const [xr, xz, xn] = parts(xp, 3) as [Tensor, Tensor, Tensor]
  const [hr, hz, hn] = parts(hp, 3) as [Tensor, Tensor, Tensor]
  const r = sigmoid(add(xr, hr))
  const z = sigmoid(add(xz, hz))
  const n = tanh(add(xn, mul(r, hn)))
  return add(n, mul(z, sub(h, n)))
}

/**
 * The pullback of {@link composedGruGates} written out: xp, hp `(…, 3H)`, h `(…, H)` and the
 * cotangent ct `(…, H)` → `[d xp (…, 3H), d hp (…, 3H), d h (…, H)]`. What the `gruGatesBackward`
 * primitive computes on a backend without the fused kernel.
 */
export const composedGruGatesBackward = (xp: Tensor, hp: Tensor, h: Tensor, ct: Tensor): [Tensor, Tensor, Tensor] => {
  const [xr, xz, xn] = parts(xp, 3) as [Tensor, Tensor, Tensor]
  const [hr, hz, hn] = parts(hp, 3) as [Tensor, Tensor, Tensor]
  const r = sigmoid(add(xr, hr))
  const z = sigmoid(add(xz, hz))
  const n = tanh(add(xn, mul(r, hn)))
  const dn = mul(mul(ct, sub(1, z)), sub(1, mul(n, n)))
  const dr = mul(mul(dn, hn), mul(r, sub(1, r)))
  const dz = mul(mul(ct, sub(h, n)), mul(z, sub(1, z)))
  const last = xp.rank - 1
  return [concat([dr, dz, dn], last), concat([dr, dz, mul(dn, r)], last), mul(ct, z)]
}

/**
 * The pullback of {@link gruGates} as one primitive (the backend's fused backward kernel when it
 * has one): xp, hp `(…, 3H)`, h `(…, H)` and the cotangent ct `(…, H)` of its result →
 * `[d xp (…, 3H), d hp (…, 3H), d h (…, H)]`. Differentiable, for hand-written backward passes.
 *
 * @category fused
 * @since 0.1.0
 */
export const gruGatesBackward = (xp: Tensor, hp: Tensor, h: Tensor, ct: Tensor): readonly [xp: Tensor, hp: Tensor, h: Tensor] => {
  const xs = lift('gruGatesBackward', [
    ['xp', xp],
    ['hp', hp],
    ['h', h],
    ['ct', ct],
  ])
  const [dx, dp, dh] = bindMany('gruGatesBackward', xs, {}) as [Tensor, Tensor, Tensor]
  return [dx, dp, dh]
}
