/**
 * LSTM and GRU layers over whole sequences without masks through core's recurrence primitives
 * (`lstmRecurrence`, `gruRecurrence` and their backward primitives), so a backend with the fused
 * kernels (`backend-cpu`'s `cpuFast`) runs every step in one call, and every other backend runs
 * the primitives' composed definitions, step by step.
 *
 * Each layer is one `customVjp` node: forward, one input projection for every step, then the
 * recurrence primitive (LSTM: both biases folded into the projection, so a step is
 * `xp_t + h·W_hhᵀ`); backward, the backward primitive gives the projection's cotangent, then each
 * weight gradient is one product over the stacked sequence (`gradients.ts`), and the input's
 * cotangent is skipped when the input is a constant. The backward pass is written in
 * differentiable operations (the primitives have derivative rules), so grad of grad and `hvp`
 * through a layer stay exact. The stepwise layers of `sequence.ts` handle masks and projections.
 *
 * Shapes (L steps, N batch, H hidden size): `x` `(L, N, I)` with L ≥ 1, `h0` (and LSTM `c0`)
 * `(N, H)`; results `ys` `(L, N, H)` and the final states `(N, H)`.
 *
 * @since 0.1.0
 */
import {
  add,
  concat,
  customVjp,
  gruRecurrence,
  gruRecurrenceBackward,
  index,
  lstmRecurrence,
  lstmRecurrenceBackward,
  matmul,
  reshape,
  slice,
  type Tensor,
  zeros,
} from '@recur/core'
import { inputGrad, weightGrads } from './gradients.js'
import type { CellParams } from './step.js'

type LstmOut = { readonly ys: Tensor; readonly h: Tensor; readonly c: Tensor }
type LstmArgs = [x: Tensor, h0: Tensor, c0: Tensor, w: CellParams]
type LstmRes = {
  readonly x: Tensor
  readonly w: CellParams
  readonly h0: Tensor
  readonly c0: Tensor
  readonly ys: Tensor
  readonly cs: Tensor
  readonly gates: Tensor
}

type GruOut = { readonly ys: Tensor; readonly h: Tensor }
type GruArgs = [x: Tensor, h0: Tensor, w: CellParams]
type GruRes = {
  readonly x: Tensor
  readonly w: CellParams
  readonly h0: Tensor
  readonly ys: Tensor
  readonly xp: Tensor
  readonly hp: Tensor
}

/** The state after the last step processed: step L − 1, or step 0 when `reverse`. */
const last = (seq: Tensor, reverse: boolean): Tensor => index(seq, reverse ? 0 : (seq.shape[0] ?? 1) - 1)

/** The state each step read, `(L, N, H)`: the outputs shifted by one, `h0` at the first step processed. */
const previous = (ys: Tensor, h0: Tensor, reverse: boolean): Tensor => {
  const [l = 0, n = 0, h = 0] = ys.shape
  const first = reshape(h0, [1, n, h])
  if (l === 1) return first
  return reverse
    ? concat([slice(ys, [1, 0, 0], [l - 1, n, h]), first], 0)
    : concat([first, slice(ys, [0, 0, 0], [l - 1, n, h])], 0)
}

/** `x·W_ihᵀ` plus the given biases, `(L, N, G·H)`. */
const project = (x: Tensor, w: CellParams, biases: readonly (Tensor | undefined)[]): Tensor => {
  const present = biases.filter((b): b is Tensor => b !== undefined)
  const p = matmul(x, w.weight_ih, { transposeB: true })
  if (present.length === 0) return p
  return add(
    p,
    present.reduce((a, b) => add(a, b)),
  )
}

const lstmForward = (reverse: boolean, [x, h0, c0, w]: LstmArgs): readonly [LstmOut, LstmRes] => {
  const xp = project(x, w, [w.bias_ih, w.bias_hh])
  const [ys, cs, gates] = lstmRecurrence(xp, w.weight_hh, h0, c0, { reverse })
  return [
    { ys, h: last(ys, reverse), c: last(cs, reverse) },
    { x, w, h0, c0, ys, cs, gates },
  ]
}

const lstmBackward = (reverse: boolean, r: LstmRes, ct: LstmOut, wanted: readonly boolean[]): LstmArgs => {
  const [dG, dh0, dc0] = lstmRecurrenceBackward(r.gates, r.cs, r.c0, r.w.weight_hh, ct.ys, ct.h, ct.c, { reverse })
  const grads = weightGrads(r.w, r.x, dG, dG, previous(r.ys, r.h0, reverse), undefined)
  return [inputGrad(r.w, r.x, dG, wanted[0] === true), dh0, dc0, grads]
}

/**
 * The LSTM layer (no projection, no masks) over `x` `(L, N, I)`, L ≥ 1: `[x, h0, c0, weights]` →
 * `{ ys, h, c }`.
 *
 * @category cells
 * @since 0.1.0
 */
export const lstmRecurrent = (reverse: boolean): ((...args: LstmArgs) => LstmOut) =>
  customVjp(
    (...a: LstmArgs) => lstmForward(reverse, a)[0],
    {
      fwd: (...a: LstmArgs) => lstmForward(reverse, a),
      bwd: (r: LstmRes, ct: LstmOut, wanted: readonly boolean[]) => lstmBackward(reverse, r, ct, wanted),
    },
    'lstm layer',
  )

const gruForward = (reverse: boolean, [x, h0, w]: GruArgs): readonly [GruOut, GruRes] => {
  const xp = project(x, w, [w.bias_ih])
  const bHh = w.bias_hh ?? zeros([w.weight_hh.shape[0] ?? 0], { dtype: xp.dtype, backend: xp.backend })
  const [ys, hp] = gruRecurrence(xp, w.weight_hh, bHh, h0, { reverse })
  return [
    { ys, h: last(ys, reverse) },
    { x, w, h0, ys, xp, hp },
  ]
}

const gruBackward = (reverse: boolean, r: GruRes, ct: GruOut, wanted: readonly boolean[]): GruArgs => {
  const [dXp, dHp, dh0] = gruRecurrenceBackward(r.xp, r.hp, r.ys, r.h0, r.w.weight_hh, ct.ys, ct.h, { reverse })
  const grads = weightGrads(r.w, r.x, dXp, dHp, previous(r.ys, r.h0, reverse), undefined)
  return [inputGrad(r.w, r.x, dXp, wanted[0] === true), dh0, grads]
}

/**
 * The reset-after GRU layer (no masks) over `x` `(L, N, I)`, L ≥ 1: `[x, h0, weights]` →
 * `{ ys, h }`.
 *
 * @category cells
 * @since 0.1.0
 */
export const gruRecurrent = (reverse: boolean): ((...args: GruArgs) => GruOut) =>
  customVjp(
    (...a: GruArgs) => gruForward(reverse, a)[0],
    {
      fwd: (...a: GruArgs) => gruForward(reverse, a),
      bwd: (r: GruRes, ct: GruOut, wanted: readonly boolean[]) => gruBackward(reverse, r, ct, wanted),
    },
    'gru layer',
  )
