/**
 * LSTM and GRU layers over whole sequences without masks through core's recurrence primitives
 * (`lstmRecurrence`, `gruRecurrence` and their backward primitives), so a backend with the fused
 * kernels (`backend-cpu`'s `cpuFast`) runs every step in one call, and every other backend runs
 * the primitives' composed definitions, step by step.
 *
 * Each layer is one `customVjp` node: forward, the recurrence primitive, which projects every
 * step's input in one product and adds the biases step by step (the LSTM's two as one sum), and
 * keeps residuals only when a backward pass will follow;
 * backward, the backward primitive gives the projection's cotangent and the biases' (summed in
 * the kernel), then each weight gradient is one product over the stacked sequence
 * (`gradients.ts`), and the input's cotangent is skipped when the input is a constant. The backward pass is written in
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
  readonly xb: Tensor
  readonly hp: Tensor
}

/** The state after the last step processed: step L − 1, or step 0 when `reverse`. */
const last = (seq: Tensor, reverse: boolean): Tensor =>
  seq.shape[0] === 1 ? reshape(seq, seq.shape.slice(1)) : index(seq, reverse ? 0 : (seq.shape[0] ?? 1) - 1)

/** The state each step read, `(L, N, H)`: the outputs shifted by one, `h0` at the first step processed. */
const previous = (ys: Tensor, h0: Tensor, reverse: boolean): Tensor => {
  const [l = 0, n = 0, h = 0] = ys.shape
  const first = reshape(h0, [1, n, h])
  if (l === 1) return first
  return reverse
    ? concat([slice(ys, [1, 0, 0], [l - 1, n, h]), first], 0)
    : concat([first, slice(ys, [0, 0, 0], [l - 1, n, h])], 0)
}

/** A bias `(G·H)`, zeros when the layer has none. */
const biasOr = (b: Tensor | undefined, w: CellParams): Tensor =>
  b ?? zeros([w.weight_hh.shape[0] ?? 0], { dtype: w.weight_hh.dtype, backend: w.weight_hh.backend })

/** The LSTM's two biases as one `(4H)` (they always appear summed). */
const lstmBias = (w: CellParams): Tensor =>
  w.bias_ih !== undefined && w.bias_hh !== undefined ? add(w.bias_ih, w.bias_hh) : biasOr(w.bias_ih ?? w.bias_hh, w)

const lstmForward = (reverse: boolean, [x, h0, c0, w]: LstmArgs, residuals: boolean): readonly [LstmOut, LstmRes] => {
  const [ys, cs, gates] = lstmRecurrence(x, w.weight_ih, w.weight_hh, lstmBias(w), h0, c0, { reverse, residuals })
  return [
    { ys, h: last(ys, reverse), c: residuals ? last(cs, reverse) : reshape(cs, cs.shape.slice(1)) },
    { x, w, h0, c0, ys, cs, gates },
  ]
}

const lstmBackward = (reverse: boolean, r: LstmRes, ct: LstmOut, wanted: readonly boolean[]): LstmArgs => {
  const [dG, dh0, dc0, db] = lstmRecurrenceBackward(r.gates, r.cs, r.c0, r.w.weight_hh, ct.ys, ct.h, ct.c, { reverse })
  const grads = weightGrads(r.w, r.x, dG, dG, previous(r.ys, r.h0, reverse), undefined, { ih: db, hh: db })
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
    (...a: LstmArgs) => lstmForward(reverse, a, false)[0],
    {
      fwd: (...a: LstmArgs) => lstmForward(reverse, a, true),
      bwd: (r: LstmRes, ct: LstmOut, wanted: readonly boolean[]) => lstmBackward(reverse, r, ct, wanted),
    },
    'lstm layer',
  )

const gruForward = (reverse: boolean, [x, h0, w]: GruArgs, residuals: boolean): readonly [GruOut, GruRes] => {
  const bIh = biasOr(w.bias_ih, w)
  const [ys, xb, hp] = gruRecurrence(x, w.weight_ih, w.weight_hh, bIh, biasOr(w.bias_hh, w), h0, { reverse, residuals })
  return [
    { ys, h: last(ys, reverse) },
    { x, w, h0, ys, xb, hp },
  ]
}

const gruBackward = (reverse: boolean, r: GruRes, ct: GruOut, wanted: readonly boolean[]): GruArgs => {
  const [dXp, dHp, dh0, ih, hh] = gruRecurrenceBackward(r.xb, r.hp, r.ys, r.h0, r.w.weight_hh, ct.ys, ct.h, { reverse })
  const grads = weightGrads(r.w, r.x, dXp, dHp, previous(r.ys, r.h0, reverse), undefined, { ih, hh })
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
    (...a: GruArgs) => gruForward(reverse, a, false)[0],
    {
      fwd: (...a: GruArgs) => gruForward(reverse, a, true),
      bwd: (r: GruRes, ct: GruOut, wanted: readonly boolean[]) => gruBackward(reverse, r, ct, wanted),
    },
    'gru layer',
  )
