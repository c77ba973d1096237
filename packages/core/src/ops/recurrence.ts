/**
 * Whole-sequence recurrences as primitives: the recurrent part of an LSTM or reset-after GRU layer
 * over all its steps (the recurrent product, the gates, the carried state) and its backward pass
 * through time, each one primitive, so that a backend with the fused kernel runs every step
 * without returning to JavaScript (cuDNN's and PyTorch's fused RNN kernels, here
 * `backend-cpu`'s WebAssembly one), and one with none runs the composed definition below, step by
 * step on its required kernels.
 *
 * The forward primitives include the input projection of every step (`x·W_ihᵀ`, one product
 * over the whole sequence before the steps) and the biases; the weight gradients after the
 * backward pass are the caller's (one product each over the stacked sequence). The forward
 * primitives keep what the backward pass needs (LSTM: each step's gate pre-activations and cell
 * states; GRU: each step's input and recurrent pre-activations), so nothing is recomputed; with
 * `residuals: false` (a forward pass only) they keep nothing but the outputs and final state.
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
import { reshape, stack, unstack } from './movement.js'
import { sum } from './reduce.js'

/** Options of the recurrences. */
export interface RecurrenceOptions {
  /** Run from the last step to the first (the backward half of a bidirectional layer). */
  readonly reverse?: boolean
  /**
   * Keep what the backward primitive needs (default `true`). With `false`, for a forward pass
   * only, the LSTM's `cs` is just the final cell state `(1, N, H)` and its `gates` are
   * `(0, N, 4H)`; the GRU's `xb` and `hp` are `(0, N, 3H)`.
   */
  readonly residuals?: boolean
}

/** The time indices in processing order. */
const order = (l: number, reverse: boolean): number[] => Array.from({ length: l }, (_, k) => (reverse ? l - 1 - k : k))

/** `xs` stacked, or zeros of `shape` when there are none. */
const stacked = (xs: readonly Tensor[], shape: readonly number[], like: Tensor): Tensor =>
  xs.length === 0 || shape[0] === 0 ? zeros(shape, { dtype: like.dtype, backend: like.backend }) : stack(xs)

/** The primitives' static parameters from the options. */
const paramsOf = (options: RecurrenceOptions) => ({ reverse: options.reverse === true, residuals: options.residuals !== false })

/**
 * The definition of {@link lstmRecurrence}: `xp = x·W_ihᵀ` over the whole sequence, then per step
 * `gates_t = (xp_t + h·W_hhᵀ) + b`, `[h, c] = lstmGates(gates_t, c)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedLstmRecurrence = (
  x: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  b: Tensor,
  h0: Tensor,
  c0: Tensor,
  options: RecurrenceOptions = {},
): [ys: Tensor, cs: Tensor, gates: Tensor] => {
  const { reverse, residuals } = paramsOf(options)
  const [ysShape = [], csShape = [], gatesShape = []] = orThrow(
    lstmRecurrenceShape('lstmRecurrence', [x.shape, wIh.shape, wHh.shape, b.shape, h0.shape, c0.shape], residuals),
  )
  const xs = unstack(matmul(x, wIh, { transposeB: true }))
  const ys: Tensor[] = []
  const cs: Tensor[] = []
  const gs: Tensor[] = []
  let [h, c] = [h0, c0]
  for (const t of order(xs.length, reverse)) {
    const g = add(add(xs[t] as Tensor, matmul(h, wHh, { transposeB: true })), b)
    ;[h, c] = lstmGates(g, c)
    ;[ys[t], cs[t], gs[t]] = [h, c, g]
  }
  const cells = residuals ? stacked(cs, csShape, x) : reshape(c, csShape)
  return [stacked(ys, ysShape, x), cells, stacked(gs, gatesShape, x)]
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
  const [gs, cells, dy] = [unstack(gates), unstack(cs), unstack(dys)]
  const steps = order(gs.length, options.reverse === true)
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
 * The definition of {@link gruRecurrence}: `xp = x·W_ihᵀ` over the whole sequence, then per step
 * `xb_t = xp_t + b_ih`, `hp_t = h·W_hhᵀ + b_hh`, `h = gruGates(xb_t, hp_t, h)`.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedGruRecurrence = (
  x: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor,
  bHh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): [ys: Tensor, xb: Tensor, hp: Tensor] => {
  const { reverse, residuals } = paramsOf(options)
  const [ysShape = [], xbShape = [], hpShape = []] = orThrow(
    gruRecurrenceShape('gruRecurrence', [x.shape, wIh.shape, wHh.shape, bIh.shape, bHh.shape, h0.shape], residuals),
  )
  const xs = unstack(matmul(x, wIh, { transposeB: true }))
  const ys: Tensor[] = []
  const xbs: Tensor[] = []
  const hps: Tensor[] = []
  let h = h0
  for (const t of order(xs.length, reverse)) {
    const xb = add(xs[t] as Tensor, bIh)
    const hp = add(matmul(h, wHh, { transposeB: true }), bHh)
    h = gruGates(xb, hp, h)
    ;[ys[t], xbs[t], hps[t]] = [h, xb, hp]
  }
  return [stacked(ys, ysShape, x), stacked(xbs, xbShape, x), stacked(hps, hpShape, x)]
}

/**
 * The definition of {@link gruRecurrenceBackward}: per step, from the last processed to the
 * first, `[dxb_t, dhp_t, dh_direct] = gruGatesBackward(xb_t, hp_t, h_prev, dh + dys_t)`,
 * `dh = dh_direct + dhp_t·W_hh`; then the bias cotangents `Σ dxb`, `Σ dhp` over steps and batch.
 *
 * @category fused
 * @since 0.1.0
 */
export const composedGruRecurrenceBackward = (
  xb: Tensor,
  hp: Tensor,
  ys: Tensor,
  h0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dhN: Tensor,
  options: RecurrenceOptions = {},
): [dxb: Tensor, dhp: Tensor, dh0: Tensor, dbIh: Tensor, dbHh: Tensor] => {
  orThrow(
    gruRecurrenceBackwardShape('gruRecurrenceBackward', [
      xb.shape,
      hp.shape,
      ys.shape,
      h0.shape,
      wHh.shape,
      dys.shape,
      dhN.shape,
    ]),
  )
  const [xs, hps, hs, dy] = [unstack(xb), unstack(hp), unstack(ys), unstack(dys)]
  const steps = order(xs.length, options.reverse === true)
  const dxs: Tensor[] = []
  const dhps: Tensor[] = []
  let dh = dhN
  for (let k = steps.length - 1; k >= 0; k--) {
    const t = steps[k] ?? 0
    const prev = k === 0 ? h0 : (hs[steps[k - 1] ?? 0] as Tensor)
    const [dx, dp, direct] = gruGatesBackward(xs[t] as Tensor, hps[t] as Tensor, prev, add(dh, dy[t] as Tensor))
    ;[dxs[t], dhps[t]] = [dx, dp]
    dh = add(direct, matmul(dp, wHh))
  }
  const [dX, dHp] = [stacked(dxs, xb.shape, xb), stacked(dhps, hp.shape, xb)]
  return [dX, dHp, dh, sum(dX, { axes: [0, 1] }), sum(dHp, { axes: [0, 1] })]
}

/**
 * The LSTM recurrence over a sequence, one primitive: `x` `(L, N, I)`, `w_ih` `(4H, I)`, `w_hh`
 * `(4H, H)`, `b` `(4H)` the sum of both biases, `h0`, `c0` `(N, H)`. Every step's input projection
 * is one product `x·W_ihᵀ`; step t's gate pre-activations (i, f, g, o) are
 * `(xp_t + h·W_hhᵀ) + b`. Returns `[ys, cs, gates]`: the outputs `h_t` and cell states `c_t`
 * `(L, N, H)` of every step and its gate pre-activations `(L, N, 4H)` (for
 * {@link lstmRecurrenceBackward}); see {@link RecurrenceOptions} for `residuals: false`. Equal to
 * {@link composedLstmRecurrence} in value (up to the backend's gate functions) and derivatives.
 *
 * @example
 * const [ys, cs, gates] = lstmRecurrence(x, w_ih, w_hh, b, h0, c0) // (L, N, I), (4H, I), (4H, H), (4H), (N, H), (N, H)
 *
 * @category fused
 * @since 0.1.0
 */
export const lstmRecurrence = (
  x: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  b: Tensor,
  h0: Tensor,
  c0: Tensor,
  options: RecurrenceOptions = {},
): readonly [ys: Tensor, cs: Tensor, gates: Tensor] => {
  const xs = lift('lstmRecurrence', [
    ['x', x],
    ['w_ih', wIh],
    ['w_hh', wHh],
    ['b', b],
    ['h0', h0],
    ['c0', c0],
  ])
  const [ys, cs, gates] = bindMany('lstmRecurrence', xs, paramsOf(options)) as [Tensor, Tensor, Tensor]
  return [ys, cs, gates]
}

/**
 * The backward pass through time of {@link lstmRecurrence}, one primitive: its `gates`
 * `(L, N, 4H)` and `cs` `(L, N, H)`, `c0` `(N, H)`, `w_hh` `(4H, H)`, and the cotangents `dys`
 * `(L, N, H)` of the outputs and `dh`, `dc` `(N, H)` of the final state (the last step processed).
 * Returns `[d gates (L, N, 4H), dh0 (N, H), dc0 (N, H), db (4H)]`: `d gates` is the cotangent of
 * the projection `x·W_ihᵀ`, `db` its sum over steps and batch; the caller forms
 * `dW_ih = d gatesᵀ·x`, `dW_hh = d gatesᵀ·h_prev` and `dx = d gates·W_ih` in one product each.
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
  const [dg, dh0, dc0, db] = bindMany('lstmRecurrenceBackward', xs, paramsOf(options)) as [Tensor, Tensor, Tensor, Tensor]
  return [dg, dh0, dc0, db]
}

/**
 * The reset-after GRU recurrence over a sequence, one primitive: `x` `(L, N, I)`, `w_ih`
 * `(3H, I)`, `w_hh` `(3H, H)`, `b_ih`, `b_hh` `(3H)`, `h0` `(N, H)`. Every step's input projection
 * is one product `x·W_ihᵀ`; step t is `gruGates(xp_t + b_ih, h·W_hhᵀ + b_hh, h)` (r, z, n).
 * Returns `[ys, xb, hp]`: every step's output `(L, N, H)` and its input and recurrent
 * pre-activations `xp_t + b_ih`, `h·W_hhᵀ + b_hh` `(L, N, 3H)` (for {@link gruRecurrenceBackward});
 * see {@link RecurrenceOptions} for `residuals: false`.
 *
 * @example
 * const [ys, xb, hp] = gruRecurrence(x, w_ih, w_hh, b_ih, b_hh, h0) // (L, N, I), (3H, I), (3H, H), (3H), (3H), (N, H)
 *
 * @category fused
 * @since 0.1.0
 */
export const gruRecurrence = (
  x: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor,
  bHh: Tensor,
  h0: Tensor,
  options: RecurrenceOptions = {},
): readonly [ys: Tensor, xb: Tensor, hp: Tensor] => {
  const xs = lift('gruRecurrence', [
    ['x', x],
    ['w_ih', wIh],
    ['w_hh', wHh],
    ['b_ih', bIh],
    ['b_hh', bHh],
    ['h0', h0],
  ])
  const [ys, xb, hp] = bindMany('gruRecurrence', xs, paramsOf(options)) as [Tensor, Tensor, Tensor]
  return [ys, xb, hp]
}

/**
 * The backward pass through time of {@link gruRecurrence}, one primitive: `xb`, `hp`
 * `(L, N, 3H)`, `ys` `(L, N, H)`, `h0` `(N, H)`, `w_hh` `(3H, H)`, and the cotangents `dys`
 * `(L, N, H)` and `dh` `(N, H)` of the final state. Returns
 * `[d xb (L, N, 3H), d hp (L, N, 3H), dh0 (N, H), d b_ih (3H), d b_hh (3H)]` (`d xb` is the
 * projection's cotangent; the bias cotangents are the sums of `d xb` and `d hp` over steps and
 * batch); the caller forms `dW_ih = d xbᵀ·x`, `dW_hh = d hpᵀ·h_prev` and `dx = d xb·W_ih`.
 *
 * @category fused
 * @since 0.1.0
 */
export const gruRecurrenceBackward = (
  xb: Tensor,
  hp: Tensor,
  ys: Tensor,
  h0: Tensor,
  wHh: Tensor,
  dys: Tensor,
  dh: Tensor,
  options: RecurrenceOptions = {},
): readonly [xb: Tensor, hp: Tensor, h0: Tensor, bIh: Tensor, bHh: Tensor] => {
  const xs = lift('gruRecurrenceBackward', [
    ['xb', xb],
    ['hp', hp],
    ['ys', ys],
    ['h0', h0],
    ['w_hh', wHh],
    ['dys', dys],
    ['dh', dh],
  ])
  const [dx, dp, dh0, dbi, dbh] = bindMany('gruRecurrenceBackward', xs, paramsOf(options)) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ]
  return [dx, dp, dh0, dbi, dbh]
}
