/**
 * Whole-sequence recurrences (LSTM with or without projection, reset-after GRU, Elman RNN with
 * tanh or relu) with a hand-written backward pass through time, as cuDNN and PyTorch run them.
 *
 * Reverse mode through `scan` backpropagates through the unrolled tape: the recurrent weight,
 * used by every step, receives one small `dG_tᵀ·h_{t−1}` product per step, summed one by one.
 * Here the recurrence, with its input projection, is one `customVjp` call: the forward pass
 * projects every step's input in one matmul, runs the steps and keeps what the backward pass needs
 * (each step's gate pre-activations, previous states and, with projection, unprojected outputs);
 * the backward pass is a reverse loop computing each step's gate cotangent `dG_t` (the fused
 * backward primitives) and `dh_{t−1} = dG_t·W_hh`; after the loop, each weight gradient is ONE
 * matmul over the stacked sequence (`dW_hh = dGᵀ·H_prev`, `dW_ih = dGᵀ·X`, K = L·N), each bias
 * gradient one sum (LSTM: one sum for both biases), and the input's cotangent `dG·W_ih` is skipped
 * when the input is a constant (the first layer's). The backward pass is written in
 * differentiable operations, so grad of grad and `hvp` through a layer stay exact.

 * Semantics are the step-by-step loop's exactly: `lengths` masking keeps the state at padding
 * positions (`where(m, next, prev)`) and zeroes their outputs; `reverse` runs from the end.
 *
 * Shapes (L = steps, N = batch, G·H = gates, H_out = projSize or hiddenSize):
 * - `x`: `(L, N, I)`, `mask`: `(L, N, 1)` of 0/1; the weights are a {@link CellParams};
 * - `h0`: `(N, H_out)`, LSTM `c0`: `(N, H)`; results `ys` `(L, N, H_out)`, `h`, `c` as the states.
 *
 * @since 0.1.0
 */
import {
  add,
  customVjp,
  greater,
  gruGates,
  gruGatesBackward,
  lstmGates,
  lstmGatesBackward,
  matmul,
  mul,
  relu,
  stack,
  sub,
  type Tensor,
  tanh,
  unstack,
  where,
} from '@recur/core'
import { inputGrad, outer, weightGrads } from './gradients.js'
import { gruRecurrent, lstmRecurrent } from './recurrent.js'
import { affine, type CellParams, projectInput } from './step.js'

/** What stays fixed over a call: the mask and the direction. */
interface Setting {
  readonly mask: readonly Tensor[] | undefined
  readonly reverse: boolean
}

/** The time indices in processing order. */
const order = (L: number, reverse: boolean): number[] => Array.from({ length: L }, (_, k) => (reverse ? L - 1 - k : k))

/** The cotangent reaching a step's new state and output, and the part that skips the step. */
const split = (m: Tensor | undefined, dh: Tensor, dy: Tensor | undefined): readonly [Tensor, Tensor | undefined] => {
  const total = dy === undefined ? dh : add(dh, dy)
  return m === undefined ? [total, undefined] : [where(m, total, 0), where(m, 0, dh)]
}

const plus = (a: Tensor, b: Tensor | undefined): Tensor => (b === undefined ? a : add(a, b))

type LstmOut = { readonly ys: Tensor; readonly h: Tensor; readonly c: Tensor }
type LstmArgs = [x: Tensor, h0: Tensor, c0: Tensor, w: CellParams]
type LstmRes = {
  readonly x: Tensor
  readonly w: CellParams
  readonly gates: readonly Tensor[]
  readonly cPrev: readonly Tensor[]
  readonly hPrev: readonly Tensor[]
  readonly full: readonly Tensor[]
}

const lstmForward = (s: Setting, [x, h0, c0, w]: LstmArgs, save: boolean): readonly [LstmOut, LstmRes] => {
  const xs = unstack(projectInput(w, x))
  const ys: Tensor[] = []
  const res = { x, w, gates: [] as Tensor[], cPrev: [] as Tensor[], hPrev: [] as Tensor[], full: [] as Tensor[] }
  let [h, c] = [h0, c0]
  for (const t of order(xs.length, s.reverse)) {
    const gates = add(xs[t] as Tensor, affine(h, w.weight_hh, w.bias_hh))
    const [full, cn] = lstmGates(gates, c)
    const hn = w.weight_hr === undefined ? full : matmul(full, w.weight_hr, { transposeB: true })
    if (save) [res.gates[t], res.cPrev[t], res.hPrev[t], res.full[t]] = [gates, c, h, full]
    const m = s.mask?.[t]
    ;[h, c, ys[t]] = m === undefined ? [hn, cn, hn] : [where(m, hn, h), where(m, cn, c), where(m, hn, 0)]
  }
  return [{ ys: stack(ys), h, c }, res]
}

const lstmBackward = (s: Setting, r: LstmRes, ct: LstmOut, wanted: readonly boolean[]): LstmArgs => {
  const dys = unstack(ct.ys)
  const { w } = r
  const dGates: Tensor[] = []
  const dOut: Tensor[] = []
  let [dh, dc] = [ct.h, ct.c]
  for (const t of order(dys.length, !s.reverse)) {
    const m = s.mask?.[t]
    const [dhn, dhSkip] = split(m, dh, dys[t])
    const [dcn, dcSkip] = split(m, dc, undefined)
    const dfull = w.weight_hr === undefined ? dhn : matmul(dhn, w.weight_hr)
    const [dg, dcp] = lstmGatesBackward(r.gates[t] as Tensor, r.cPrev[t] as Tensor, dfull, dcn)
    dGates[t] = dg
    dOut[t] = dhn
    dh = plus(matmul(dg, w.weight_hh), dhSkip)
    dc = plus(dcp, dcSkip)
  }
  const dHr = w.weight_hr === undefined ? undefined : outer(stack(dOut), stack(r.full))
  const dG = stack(dGates)
  return [inputGrad(w, r.x, dG, wanted[0] === true), dh, dc, weightGrads(w, r.x, dG, dG, stack(r.hPrev), dHr)]
}

/** The LSTM recurrence step by step (see the module header): masks and projections. */
const lstmStepwise = (mask: Tensor | undefined, reverse: boolean): ((...args: LstmArgs) => LstmOut) => {
  const s: Setting = { mask: mask === undefined ? undefined : unstack(mask), reverse }
  return customVjp(
    (...a: LstmArgs) => lstmForward(s, a, false)[0],
    {
      fwd: (...a: LstmArgs) => lstmForward(s, a, true),
      bwd: (r: LstmRes, ct: LstmOut, wanted: readonly boolean[]) => lstmBackward(s, r, ct, wanted),
    },
    'lstm layer',
  )
}

/**
 * The LSTM recurrence over a sequence: `[x, h0, c0, weights]` → `{ ys, h, c }`, one
 * reverse-mode node with a fused backward pass through time. Without `lengths` (and without a projection)
 * every step runs in the `lstmRecurrence` primitives (`recurrent.ts`: one backend kernel for the
 * whole sequence where the backend has it); otherwise step by step as described above.
 *
 * @category cells
 * @since 0.1.0
 */
export const lstmSequence = (mask: Tensor | undefined, reverse: boolean): ((...args: LstmArgs) => LstmOut) => {
  const stepwise = lstmStepwise(mask, reverse)
  if (mask !== undefined) return stepwise
  const fused = lstmRecurrent(reverse)
  return (...a: LstmArgs) => (a[3].weight_hr === undefined && (a[0].shape[0] ?? 0) > 0 ? fused(...a) : stepwise(...a))
}

type GruOut = { readonly ys: Tensor; readonly h: Tensor }
type GruArgs = [x: Tensor, h0: Tensor, w: CellParams]
type GruRes = {
  readonly x: Tensor
  readonly w: CellParams
  readonly xs: readonly Tensor[]
  readonly hp: readonly Tensor[]
  readonly hPrev: readonly Tensor[]
}

const gruForward = (s: Setting, [x, h0, w]: GruArgs, save: boolean): readonly [GruOut, GruRes] => {
  const xs = unstack(projectInput(w, x))
  const ys: Tensor[] = []
  const res = { x, w, xs, hp: [] as Tensor[], hPrev: [] as Tensor[] }
  let h = h0
  for (const t of order(xs.length, s.reverse)) {
    const hp = affine(h, w.weight_hh, w.bias_hh)
    const hn = gruGates(xs[t] as Tensor, hp, h)
    if (save) [res.hp[t], res.hPrev[t]] = [hp, h]
    const m = s.mask?.[t]
    ;[h, ys[t]] = m === undefined ? [hn, hn] : [where(m, hn, h), where(m, hn, 0)]
  }
  return [{ ys: stack(ys), h }, res]
}

const gruBackward = (s: Setting, r: GruRes, ct: GruOut, wanted: readonly boolean[]): GruArgs => {
  const dys = unstack(ct.ys)
  const dXs: Tensor[] = []
  const dHp: Tensor[] = []
  let dh = ct.h
  for (const t of order(dys.length, !s.reverse)) {
    const [dhn, dhSkip] = split(s.mask?.[t], dh, dys[t])
    const [dx, dhp, dhDirect] = gruGatesBackward(r.xs[t] as Tensor, r.hp[t] as Tensor, r.hPrev[t] as Tensor, dhn)
    dXs[t] = dx
    dHp[t] = dhp
    dh = plus(add(dhDirect, matmul(dhp, r.w.weight_hh)), dhSkip)
  }
  const dX = stack(dXs)
  return [inputGrad(r.w, r.x, dX, wanted[0] === true), dh, weightGrads(r.w, r.x, dX, stack(dHp), stack(r.hPrev), undefined)]
}

/** The GRU recurrence step by step (see the module header): masks. */
const gruStepwise = (mask: Tensor | undefined, reverse: boolean): ((...args: GruArgs) => GruOut) => {
  const s: Setting = { mask: mask === undefined ? undefined : unstack(mask), reverse }
  return customVjp(
    (...a: GruArgs) => gruForward(s, a, false)[0],
    {
      fwd: (...a: GruArgs) => gruForward(s, a, true),
      bwd: (r: GruRes, ct: GruOut, wanted: readonly boolean[]) => gruBackward(s, r, ct, wanted),
    },
    'gru layer',
  )
}

/**
 * The reset-after GRU recurrence over a sequence: `[x, h0, weights]` → `{ ys, h }`, one
 * reverse-mode node with a fused backward pass through time. Without `lengths` (and)
 * every step runs in the `gruRecurrence` primitives (`recurrent.ts`: one backend kernel for the
 * whole sequence where the backend has it); otherwise step by step as described above.
 *
 * @category cells
 * @since 0.1.0
 */
export const gruSequence = (mask: Tensor | undefined, reverse: boolean): ((...args: GruArgs) => GruOut) => {
  const stepwise = gruStepwise(mask, reverse)
  if (mask !== undefined) return stepwise
  const fused = gruRecurrent(reverse)
  return (...a: GruArgs) => ((a[0].shape[0] ?? 0) > 0 ? fused(...a) : stepwise(...a))
}

type RnnOut = { readonly ys: Tensor; readonly h: Tensor }
type RnnArgs = [x: Tensor, h0: Tensor, w: CellParams]
type RnnRes = {
  readonly x: Tensor
  readonly w: CellParams
  readonly hs: readonly Tensor[]
  readonly hPrev: readonly Tensor[]
}

const rnnForward = (s: Setting, useRelu: boolean, [x, h0, w]: RnnArgs, save: boolean): readonly [RnnOut, RnnRes] => {
  const xs = unstack(projectInput(w, x))
  const ys: Tensor[] = []
  const res = { x, w, hs: [] as Tensor[], hPrev: [] as Tensor[] }
  let h = h0
  for (const t of order(xs.length, s.reverse)) {
    const pre = add(xs[t] as Tensor, affine(h, w.weight_hh, w.bias_hh))
    const hn = useRelu ? relu(pre) : tanh(pre)
    if (save) [res.hs[t], res.hPrev[t]] = [hn, h]
    const m = s.mask?.[t]
    ;[h, ys[t]] = m === undefined ? [hn, hn] : [where(m, hn, h), where(m, hn, 0)]
  }
  return [{ ys: stack(ys), h }, res]
}

const rnnBackward = (s: Setting, useRelu: boolean, r: RnnRes, ct: RnnOut, wanted: readonly boolean[]): RnnArgs => {
  const dys = unstack(ct.ys)
  const dPre: Tensor[] = []
  let dh = ct.h
  for (const t of order(dys.length, !s.reverse)) {
    const [dhn, dhSkip] = split(s.mask?.[t], dh, dys[t])
    const hn = r.hs[t] as Tensor
    // the activations' derivatives written from the output, as their primitives' rules
    const dp = mul(dhn, useRelu ? greater(hn, 0) : sub(1, mul(hn, hn)))
    dPre[t] = dp
    dh = plus(matmul(dp, r.w.weight_hh), dhSkip)
  }
  const dX = stack(dPre)
  return [inputGrad(r.w, r.x, dX, wanted[0] === true), dh, weightGrads(r.w, r.x, dX, dX, stack(r.hPrev), undefined)]
}

/**
 * The Elman RNN recurrence (`tanh`, or `relu` with `useRelu`) over a sequence (see the module
 * header): `[x, h0, weights]` → `{ ys, h }`, one reverse-mode node with its backward pass through
 * time written out.
 *
 * @category cells
 * @since 0.1.0
 */
export const rnnSequence = (mask: Tensor | undefined, reverse: boolean, useRelu: boolean): ((...args: RnnArgs) => RnnOut) => {
  const s: Setting = { mask: mask === undefined ? undefined : unstack(mask), reverse }
  return customVjp(
    (...a: RnnArgs) => rnnForward(s, useRelu, a, false)[0],
    {
      fwd: (...a: RnnArgs) => rnnForward(s, useRelu, a, true),
      bwd: (r: RnnRes, ct: RnnOut, wanted: readonly boolean[]) => rnnBackward(s, useRelu, r, ct, wanted),
    },
    'rnn layer',
  )
}
