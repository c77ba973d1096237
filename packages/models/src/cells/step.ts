/**
 * The recurrent cell steps, as pure functions `(state, input) => [state, output]`, with PyTorch's
 * equations, gate orders and parameter names.
 *
 * A step is split in two so that a layer can compute the input projection of every time step in
 * one large matmul before the recurrence: `projectInput` (x·W_ihᵀ + b_ih) and `recur` (everything
 * that depends on the state). `step` composes them for one input.
 *
 * Shapes (N = batch, may be absent for an unbatched step; G = gates; H = hiddenSize; P = projSize;
 * H_out = P if P > 0 else H):
 * - `x`: `(N, I)` or `(I)`; `state.h`: `(N, H_out)`; LSTM `state.c`: `(N, H)`.
 * - `weight_ih`: `(G·H, I)`, `weight_hh`: `(G·H, H_out)`, `bias_ih`, `bias_hh`: `(G·H)`,
 *   LSTM `weight_hr`: `(P, H)`.
 *
 * @since 0.1.0
 */
import { add, gruGates, lstmGates, matmul, mul, relu, reshape, sigmoid, slice, sub, type Tensor, tanh } from '@recur/core'
import type { Mode } from '../config.js'
import { gruRecurrent, lstmRecurrent } from './recurrent.js'

/**
 * One cell's parameters, named as PyTorch's `RNNCell`/`LSTMCell`/`GRUCell` (a layer adds the
 * `_l{k}` and `_reverse` suffixes).
 *
 * @category model
 * @since 0.1.0
 */
export type CellParams = {
  /** `(G·H, I)`. */
  readonly weight_ih: Tensor
  /** `(G·H, H_out)`. */
  readonly weight_hh: Tensor
  /** `(G·H)`, absent with `bias: false`. */
  readonly bias_ih?: Tensor
  /** `(G·H)`, absent with `bias: false`. */
  readonly bias_hh?: Tensor
  /** LSTM with projection only: `(P, H)`. */
  readonly weight_hr?: Tensor
}

/**
 * A cell's state: `h` `(N, H_out)`; for LSTM also the cell state `c` `(N, H)`.
 *
 * @category model
 * @since 0.1.0
 */
export type State = {
  readonly h: Tensor
  readonly c?: Tensor
}

/** `x·Wᵀ + b` over the last axis. */
export const affine = (x: Tensor, w: Tensor, b: Tensor | undefined): Tensor => {
  const y = matmul(x, w, { transposeB: true })
  return b === undefined ? y : add(y, b)
}

/** Splits the last axis into `n` equal parts. */
export const chunk = (x: Tensor, n: number): Tensor[] => {
  const last = x.rank - 1
  const width = (x.shape[last] ?? 0) / n
  return Array.from({ length: n }, (_, k) =>
    slice(
      x,
      x.shape.map((_, i) => (i === last ? k * width : 0)),
      x.shape.map((d, i) => (i === last ? width : d)),
    ),
  )
}

/**
 * The input projection `x·W_ihᵀ + b_ih`: `(…, I)` → `(…, G·H)`. Works on one step or on a whole
 * sequence `(L, N, I)` at once.
 *
 * @category cells
 * @since 0.1.0
 */
export const projectInput = (params: CellParams, x: Tensor): Tensor => affine(x, params.weight_ih, params.bias_ih)

const missing = (what: string): never => {
  throw new TypeError(`LSTM step: state.${what} is missing; an LSTM state is { h, c }`)
}

/**
 * The part of a step that depends on the state, given the projected input `xp` `(N, G·H)`.
 *
 * @category cells
 * @since 0.1.0
 */
export const recur =
  (mode: Mode, resetAfter: boolean, p: CellParams) =>
  (state: State, xp: Tensor): readonly [State, Tensor] => {
    const { h } = state
    switch (mode) {
      case 'RNN_TANH':
      case 'RNN_RELU': {
        const pre = add(xp, affine(h, p.weight_hh, p.bias_hh))
        const next = mode === 'RNN_TANH' ? tanh(pre) : relu(pre)
        return [{ h: next }, next]
      }
      case 'LSTM': {
        // One fused primitive for the gates: c = σ(f)⊙c₀ + σ(i)⊙tanh(g), full = σ(o)⊙tanh(c)
        const [full, c] = lstmGates(add(xp, affine(h, p.weight_hh, p.bias_hh)), state.c ?? missing('c'))
        const next = p.weight_hr === undefined ? full : matmul(full, p.weight_hr, { transposeB: true })
        return [{ h: next, c }, next]
      }
      case 'GRU': {
        if (resetAfter) {
          // PyTorch: one recurrent matmul, the reset gate applied after it: r ⊙ (W_hn h + b_hn), fused
          const next = gruGates(xp, affine(h, p.weight_hh, p.bias_hh), h)
          return [{ h: next }, next]
        }
        // Keras / TF.js / ONNX linear_before_reset = 0: the reset gate applied before: W_hn (r ⊙ h) + b_hn
        const [xr, xz, xn] = chunk(xp, 3) as [Tensor, Tensor, Tensor]
        const [wr, wz, wn] = chunk3rows(p.weight_hh)
        const [br, bz, bn] =
          p.bias_hh === undefined ? [undefined, undefined, undefined] : (chunk(p.bias_hh, 3) as [Tensor, Tensor, Tensor])
        const r = sigmoid(add(xr, affine(h, wr, br)))
        const z = sigmoid(add(xz, affine(h, wz, bz)))
        const n = tanh(add(xn, affine(mul(r, h), wn, bn)))
        const next = add(n, mul(z, sub(h, n)))
        return [{ h: next }, next]
      }
    }
  }

/** Splits `weight_hh` `(3H, H)` into its r, z, n row blocks. */
const chunk3rows = (w: Tensor): [Tensor, Tensor, Tensor] => {
  const rows = (w.shape[0] ?? 0) / 3
  const block = (k: number) => slice(w, [k * rows, 0], [rows, w.shape[1] ?? 0])
  return [block(0), block(1), block(2)]
}

/**
 * One full step: `recur(state, projectInput(x))`. On a backend with the whole-sequence recurrence
 * kernels (`cpuFast`), a batched step `x` `(N, I)` of an LSTM without projection or of a
 * reset-after GRU runs as a sequence of one step through the fused layers of `recurrent.ts` (one
 * recurrence primitive, one kernel call, and one backward primitive in reverse mode); the same
 * values, in fewer operations.
 *
 * @category cells
 * @since 0.1.0
 */
export const step = (
  mode: Mode,
  resetAfter: boolean,
  params: CellParams,
): ((state: State, x: Tensor) => readonly [State, Tensor]) => {
  const general = (state: State, x: Tensor): readonly [State, Tensor] =>
    recur(mode, resetAfter, params)(state, projectInput(params, x))
  // one-step recurrences pay off where the backend runs them as one kernel; elsewhere the step's
  // own primitives are fewer than the recurrence's composed definition
  const fused = params.weight_hh.backend.fused
  if (mode === 'LSTM' && params.weight_hr === undefined && fused?.lstmRecurrence !== undefined) {
    const layer = lstmRecurrent(false)
    // the two biases always appear summed: add them once for all steps (gradients flow back through the sum)
    const { bias_ih: bi, bias_hh: bh, ...weights } = params
    const bias = bi !== undefined && bh !== undefined ? add(bi, bh) : (bi ?? bh)
    const summed: CellParams = bias === undefined ? weights : { ...weights, bias_ih: bias }
    return (state, x) => {
      if (x.rank !== 2) return general(state, x)
      const { h, c } = layer(reshape(x, [1, ...x.shape]), state.h, state.c ?? missing('c'), summed)
      return [{ h, c }, h]
    }
  }
  if (mode === 'GRU' && resetAfter && fused?.gruRecurrence !== undefined) {
    const layer = gruRecurrent(false)
    return (state, x) => {
      if (x.rank !== 2) return general(state, x)
      const { h } = layer(reshape(x, [1, ...x.shape]), state.h, params)
      return [{ h }, h]
    }
  }
  return general
}
