/**
 * Whole-sequence recurrences as primitives: the recurrent part of an LSTM or reset-after GRU layer
 * over all its steps (the recurrent product, the gates, the carried state) and its backward pass
 * through time, each one primitive, so that a backend with the fused kernel runs every step
 * without returning to JavaScript (cuDNN's and PyTorch's fused RNN kernels, here
 * `backend-cpu`'s WebAssembly one), and one with none runs the composed definition below, step by
 * step on its required kernels.
 *
 * The input projection of every step (`x·W_ihᵀ + b`, one large product) is the caller's, as is the
 * weight gradient after the backward pass (one product over the stacked sequence): these are
 * plain matmuls. The primitives keep what the backward pass needs (LSTM: each step's gate
 * pre-activations and cell states; GRU: each step's recurrent pre-activations), so nothing is
 * recomputed.
 *
 * Order: step t reads the state of step t − 1 (`h0`, `c0` for t = 0), or of step t + 1 when
 * `reverse` (`h0`, `c0` for t = L − 1). The composed definitions are the exact order of
 * operations a fused kernel must follow (it may differ only inside the gate functions).
 *
 * Shapes (`L` steps, `N` batch, `H` hidden size) are in each function's documentation; see
 * `primitives/recurrenceShapes.ts` for the checks.
 *
 * @since 0.1.0
 */
import { bindMany } from '../autodiff/bindMany.js'
import { zeros } from '../create.js'
import {
  gruRecurrenceBackwardShape,
  gruRecurrenceShape,
  lstmRecurrenceBackwardShape,
  lstmRecurrenceShape,
} from '../primitives/recurrenceShapes.js'
import { orThrow } from '../Shape.js'
import type { Tensor } from '../Tensor.js'
import { lift } from './args.js'
import { add } from './elementwise.js'
import { gruGates, gruGatesBackward, lstmGates, lstmGatesBackward } from './fused.js'
import { matmul } from './linalg.js'
import { stack, unstack } from './movement.js'
import { sum } from './reduce.js'

/** Options of the recurrences. */
export interface RecurrenceOptions {
  /** Run from the last step to the first (the backward half of a bidirectional layer). */
  readonly reverse?: boolean
}

/** The time indices in processing order. */
const order = (l: number, reverse: boolean): number[] => Array.from({ length: l }, (_, k) => (reverse ? l - 1 - k : k))

/** `xs` stacked, or zeros of `shape` when there are no steps. */
const stacked = (xs: readonly Tensor[], shape: readonly number[], like: Tensor): Tensor =>
  xs.length === 0 ? zeros(shape, { dtype: like.dtype, backend: like.backend }) : stack(xs)

/**
 * The definition of {@link lstmRecurrence}: per step `gates_t = (xp_t + h·W_hhᵀ) + b`,
 * `[h, c] = lstmGates(gates_t, c)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedLstmRecurrence = (
  xp: Tensor,
  wHh: Tensor,
  b: Tensor,
  h0: Tensor,
  c0: Tensor,
  options: RecurrenceOptions = {},
): [ys: Tensor, cs: Tensor, gates: Tensor] => {
  const [ysShape, csShape, gatesShape] = orThrow(
    lstmRecurrenceShape('lstmRecurrence', [xp.shape, wHh.shape, b.shape, h0.shape, c0.shape]),
  )
  const xs = unstack(xp)
  const ys: Tensor[] = []
  const cs: Tensor[] = []
  const gs: Tensor[] = []
  let [h, c] = [h0, c0]
  for (const t of order(xs.length, options.reverse === true)) {
    const g = add(add(xs[t] as Tensor, matmul(h, wHh, { transposeB: true })), b)
    ;[h, c] = lstmGates(g, c)
    ;[ys[t], cs[t], gs[t]] = [h, c, g]
  }
  return [stacked(ys, ysShape ?? [], xp), stacked(cs, csShape ?? [], xp), stacked(gs, gatesShape ?? [], xp)]
}

/**
 * The definition of {@link lstmRecurrenceBackward}: per step, from the last processed to the
 * first, `[dG_t, dc] = lstmGatesBackward(gates_t, c_prev, dh + dys_t, dc)`, `dh = dG_t·W_hh`;
 * then `db = Σ dG` over steps and batch.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedLstmRecurrenceBackward = (
  gates: Tensor,
  cs: Tensor,
  c0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dhN: Tensor,
  dcN: Tensor,
  options: RecurrenceOptions = {},
): [dGates: Tensor, dh0: Tensor, dc0: Tensor, db: Tensor] => {
  orThrow(
    lstmRecurrenceBackwardShape('lstmRecurrenceBackward', [
      gates.shape,
      cs.shape,
      c0.shape,
      wHh.shape,
      dys.shape,
      dhN.shape,
      dcN.shape,
    ]),
  )
  const reverse = options.reverse === true
  const [gs, cells, dy] = [unstack(gates), unstack(cs), unstack(dys)]
  const steps = order(gs.length, reverse)
  const dGates: Tensor[] = []
  let [dh, dc] = [dhN, dcN]
  for (let k = steps.length - 1; k >= 0; k--) {
    const t = steps[k] ?? 0
    const prev = k === 0 ? c0 : (cells[steps[k - 1] ?? 0] as Tensor)
    const [dg, dcp] = lstmGatesBackward(gs[t] as Tensor, prev, add(dh, dy[t] as Tensor), dc)
    dGates[t] = dg
    dh = matmul(dg, wHh)
    dc = dcp
  }
  const dG = stacked(dGates, gates.shape, gates)
  return [dG, dh, dc, sum(dG, { axes: [0, 1] })]
}

/**
 * The definition of {@link gruRecurrence}: per step `hp_t = h·W_hhᵀ + b_hh`,
 * `h = gruGates(xp_t + b_ih, hp_t, h)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedGruRecurrence = (
  xp: Tensor,
  wHh: Tensor,
  bIh: Tensor,
  bHh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): [ys: Tensor, hp: Tensor] => {
  const [ysShape, hpShape] = orThrow(gruRecurrenceShape('gruRecurrence', [xp.shape, wHh.shape, bIh.shape, bHh.shape, h0.shape]))
  const xs = unstack(xp)
  const ys: Tensor[] = []
  const hps: Tensor[] = []
  let h = h0
  for (const t of order(xs.length, options.reverse === true)) {
    const hp = add(matmul(h, wHh, { transposeB: true }), bHh)
    h = gruGates(add(xs[t] as Tensor, bIh), hp, h)
    ;[ys[t], hps[t]] = [h, hp]
  }
  return [stacked(ys, ysShape ?? [], xp), stacked(hps, hpShape ?? [], xp)]
}

/**
 * The definition of {@link gruRecurrenceBackward}: per step, from the last processed to the
 * first, `[dxp_t, dhp_t, dh_direct] = gruGatesBackward(xp_t + b_ih, hp_t, h_prev, dh + dys_t)`,
 * `dh = dh_direct + dhp_t·W_hh`; then the bias cotangents `Σ dxp`, `Σ dhp` over steps and batch.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedGruRecurrenceBackward = (
  xp: Tensor,
  bIh: Tensor,
  hp: Tensor,
  ys: Tensor,
  h0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dhN: Tensor,
  options: RecurrenceOptions = {},
): [dxp: Tensor, dhp: Tensor, dh0: Tensor, dbIh: Tensor, dbHh: Tensor] => {
  orThrow(
    gruRecurrenceBackwardShape('gruRecurrenceBackward', [
      xp.shape,
      bIh.shape,
      hp.shape,
      ys.shape,
      h0.shape,
      wHh.shape,
      dys.shape,
      dhN.shape,
    ]),
  )
  const [xs, hps, hs, dy] = [unstack(xp), unstack(hp), unstack(ys), unstack(dys)]
  const steps = order(xs.length, options.reverse === true)
  const dxs: Tensor[] = []
  const dhps: Tensor[] = []
  let dh = dhN
  for (let k = steps.length - 1; k >= 0; k--) {
    const t = steps[k] ?? 0
    const prev = k === 0 ? h0 : (hs[steps[k - 1] ?? 0] as Tensor)
    const [dx, dp, direct] = gruGatesBackward(add(xs[t] as Tensor, bIh), hps[t] as Tensor, prev, add(dh, dy[t] as Tensor))
    ;[dxs[t], dhps[t]] = [dx, dp]
    dh = add(direct, matmul(dp, wHh))
  }
  const [dX, dHp] = [stacked(dxs, xp.shape, xp), stacked(dhps, hp.shape, xp)]
  return [dX, dHp, dh, sum(dX, { axes: [0, 1] }), sum(dHp, { axes: [0, 1] })]
}

/**
 * The LSTM recurrence over a sequence, one primitive: `xp` `(L, N, 4H)` is every step's input
 * projection `x·W_ihᵀ` (gates i, f, g, o), `w_hh` `(4H, H)`, `b` `(4H)` the sum of both biases,
 * `h0`, `c0` `(N, H)`. Step t's gate pre-activations are `(xp_t + h·W_hhᵀ) + b`. Returns
 * `[ys, cs, gates]`: the outputs `h_t` and cell states `c_t` `(L, N, H)` of every step and its
 * gate pre-activations `(L, N, 4H)` (for {@link lstmRecurrenceBackward}). Equal to
 * {@link composedLstmRecurrence} in value (up to the backend's gate functions) and derivatives.
 *
 * @example
 * const [ys, cs, gates] = lstmRecurrence(xp, w_hh, b, h0, c0) // (L, N, 4H), (4H, H), (4H), (N, H), (N, H)
 *
 * @category fused
 * @since 0.1.0
 */
export const lstmRecurrence = (
  xp: Tensor,
  wHh: Tensor,
  b: Tensor,
  h0: Tensor,
  c0: Tensor,
  options: RecurrenceOptions = {},
): readonly [ys: Tensor, cs: Tensor, gates: Tensor] => {
  const xs = lift('lstmRecurrence', [
    ['xp', xp],
    ['w_hh', wHh],
    ['b', b],
    ['h0', h0],
    ['c0', c0],
  ])
  const [ys, cs, gates] = bindMany('lstmRecurrence', xs, { reverse: options.reverse === true }) as [Tensor, Tensor, Tensor]
  return [ys, cs, gates]
}

/**
 * The backward pass through time of {@link lstmRecurrence}, one primitive: its `gates`
 * `(L, N, 4H)` and `cs` `(L, N, H)`, `c0` `(N, H)`, `w_hh` `(4H, H)`, and the cotangents `dys`
 * `(L, N, H)` of the outputs and `dh`, `dc` `(N, H)` of the final state (the last step processed).
 * Returns `[d gates (L, N, 4H), dh0 (N, H), dc0 (N, H), db (4H)]`: `d xp` is `d gates`, `db` its
 * sum over steps and batch; the caller forms `dW_hh = d gatesᵀ·h_prev` in one product.
 *
 * @category fused
 * @since 0.1.0
 */
export const lstmRecurrenceBackward = (
  gates: Tensor,
  cs: Tensor,
  c0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dh: Tensor,
  dc: Tensor,
  options: RecurrenceOptions = {},
): readonly [gates: Tensor, h0: Tensor, c0: Tensor, b: Tensor] => {
  const xs = lift('lstmRecurrenceBackward', [
    ['gates', gates],
    ['cs', cs],
    ['c0', c0],
    ['w_hh', wHh],
    ['dys', dys],
    ['dh', dh],
    ['dc', dc],
  ])
  const [dg, dh0, dc0, db] = bindMany('lstmRecurrenceBackward', xs, { reverse: options.reverse === true }) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ]
  return [dg, dh0, dc0, db]
}

/**
 * The reset-after GRU recurrence over a sequence, one primitive: `xp` `(L, N, 3H)` is every step's
 * input projection `x·W_ihᵀ` (r, z, n), `w_hh` `(3H, H)`, `b_ih`, `b_hh` `(3H)`, `h0` `(N, H)`.
 * Step t is `gruGates(xp_t + b_ih, h·W_hhᵀ + b_hh, h)`. Returns `[ys, hp]`: every step's output
 * `(L, N, H)` and recurrent pre-activations `h·W_hhᵀ + b_hh` `(L, N, 3H)` (for
 * {@link gruRecurrenceBackward}).
 *
 * @example
 * const [ys, hp] = gruRecurrence(xp, w_hh, b_ih, b_hh, h0) // (L, N, 3H), (3H, H), (3H), (3H), (N, H)
 *
 * @category fused
 * @since 0.1.0
 */
export const gruRecurrence = (
  xp: Tensor,
  wHh: Tensor,
  bIh: Tensor,
  bHh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): readonly [ys: Tensor, hp: Tensor] => {
  const xs = lift('gruRecurrence', [
    ['xp', xp],
    ['w_hh', wHh],
    ['b_ih', bIh],
    ['b_hh', bHh],
    ['h0', h0],
  ])
  const [ys, hp] = bindMany('gruRecurrence', xs, { reverse: options.reverse === true }) as [Tensor, Tensor]
  return [ys, hp]
}

/**
 * The backward pass through time of {@link gruRecurrence}, one primitive: `xp` `(L, N, 3H)`,
 * `b_ih` `(3H)`, `hp` `(L, N, 3H)`, `ys` `(L, N, H)`, `h0` `(N, H)`, `w_hh` `(3H, H)`, and the
 * cotangents `dys` `(L, N, H)` and `dh` `(N, H)` of the final state. Returns
 * `[d xp (L, N, 3H), d hp (L, N, 3H), dh0 (N, H), d b_ih (3H), d b_hh (3H)]` (the bias
 * cotangents are the sums of `d xp` and `d hp` over steps and batch); the caller forms
 * `dW_hh = d hpᵀ·h_prev`.
 *
 * @category fused
 * @since 0.1.0
 */
export const gruRecurrenceBackward = (
  xp: Tensor,
  bIh: Tensor,
  hp: Tensor,
  ys: Tensor,
  h0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dh: Tensor,
  options: RecurrenceOptions = {},
): readonly [xp: Tensor, hp: Tensor, h0: Tensor, bIh: Tensor, bHh: Tensor] => {
  const xs = lift('gruRecurrenceBackward', [
    ['xp', xp],
    ['b_ih', bIh],
    ['hp', hp],
    ['ys', ys],
    ['h0', h0],
    ['w_hh', wHh],
    ['dys', dys],
    ['dh', dh],
  ])
  const [dx, dp, dh0, dbi, dbh] = bindMany('gruRecurrenceBackward', xs, { reverse: options.reverse === true }) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ]
  return [dx, dp, dh0, dbi, dbh]
}
