/**
 * A recurrent layer: cells run over time with `scan`, with every option of `torch.nn.RNN/LSTM/GRU`:
 * stacked layers, bidirectional, dropout between layers, batch-first or time-major, unbatched
 * input, initial states, and variable lengths as plain data.
 *
 * Shapes (L = sequence length, N = batch, D = 2 if bidirectional else 1, H_out = projSize or
 * hiddenSize):
 * - `input`: `(L, N, H_in)`, `(N, L, H_in)` with `batchFirst`, or `(L, H_in)` unbatched.
 * - `h0`: `(D·numLayers, N, H_out)` or `(D·numLayers, H_out)` unbatched; LSTM `c0` likewise with
 *   hiddenSize. Zeros when absent.
 * - `output`: `(L, N, D·H_out)` (`(N, L, D·H_out)` batch-first, `(L, D·H_out)` unbatched).
 * - `h_n`: like `h0`; LSTM `c_n`: like `c0`. Index `layer·D + direction`.
 *
 * `lengths[i]` (1 ≤ lengths[i] ≤ L, any order, no sorting or packing) makes positions `t ≥
 * lengths[i]` of sequence i padding: their outputs are zero, they never touch its state, its `h_n`
 * is the state after its last valid step, and the reverse direction starts at that step — what
 * `pack_padded_sequence(enforce_sorted=False)` and `pad_packed_sequence` give in PyTorch.
 *
 * @since 0.1.0
 */
import {
  checkpoint,
  concat,
  expandDims,
  fromFlat,
  index,
  mul,
  Random,
  scan,
  shapeError,
  slice,
  squeeze,
  stack,
  type Tensor,
  transpose,
  where,
  zeros,
} from '@recur/core'
import { gruSequence, lstmSequence, rnnSequence } from './cells/sequence.js'
import { type CellParams, projectInput, recur, type State } from './cells/step.js'
import { type Config, directions, outputSize } from './config.js'
import { cellParams, type LayerParams } from './params.js'

/**
 * Options of one call of a layer.
 *
 * @category model
 * @since 0.1.0
 */
export interface RunOptions {
  /** Initial hidden state; zeros when absent. */
  readonly h0?: Tensor
  /** LSTM initial cell state; zeros when absent. */
  readonly c0?: Tensor
  /** Valid length of each sequence of the batch. */
  readonly lengths?: readonly number[]
  /** Dropout key: dropout between layers applies only when a key is given (training). */
  readonly key?: Random.Key
  /**
   * Gradient checkpointing: run each direction of each layer in segments of this many steps,
   * each recomputed in the backward pass (core's `checkpoint`), so that reverse mode holds only
   * the states between segments and the outputs instead of every step's intermediates — about
   * ⌈√L⌉ balances memory and the extra forward pass. The values and gradients are the same.
   */
  readonly checkpoint?: number
}

/**
 * What a layer returns.
 *
 * @category model
 * @since 0.1.0
 */
export interface Output {
  /** `(L, N, D·H_out)`, or batch-first / unbatched as the input. */
  readonly output: Tensor
  /** `(D·numLayers, N, H_out)`, or `(D·numLayers, H_out)` unbatched. */
  readonly h_n: Tensor
  /** LSTM only: `(D·numLayers, N, hiddenSize)`, or unbatched. */
  readonly c_n?: Tensor
}

const fail = (arg: string, reason: string, shapes: Readonly<Record<string, readonly number[]>>): never => {
  throw shapeError('rnn', arg, reason, shapes)
}

/** Checks an initial state against its expected (batched) shape and returns it batched. */
const initialState = (
  name: string,
  given: Tensor | undefined,
  expected: readonly number[],
  unbatched: boolean,
  like: Tensor,
): Tensor => {
  if (given === undefined) return zeros(expected, { dtype: like.dtype, backend: like.backend })
  const want = unbatched ? [expected[0] ?? 0, expected[2] ?? 0] : expected
  if (given.rank !== want.length || given.shape.some((d, i) => d !== want[i])) {
    fail(name, `${name} must have shape [${want.join(', ')}]`, { input: like.shape, [name]: given.shape })
  }
  if (given.dtype !== like.dtype) fail(name, `${name} is ${given.dtype} but the input is ${like.dtype}`, { [name]: given.shape })
  return unbatched ? expandDims(given, 1) : given
}

/** `(L, N, 1)` of 1 where `t < lengths[n]`, else 0. */
const lengthMask = (lengths: readonly number[], L: number, N: number, like: Tensor): Tensor => {
  if (lengths.length !== N) fail('lengths', `lengths has ${lengths.length} entries for a batch of ${N}`, { input: like.shape })
  lengths.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1 || l > L)
      fail('lengths', `lengths[${i}] is ${l}; lengths must be integers in [1, ${L}]`, { input: like.shape })
  })
  const values = Array.from({ length: L * N }, (_, k) => (Math.floor(k / N) < (lengths[k % N] ?? 0) ? 1 : 0))
  return fromFlat(values, [L, N, 1], { dtype: like.dtype, backend: like.backend })
}

/**
 * The LSTM, reset-after GRU and Elman RNN recurrences as one node with a fused backward pass
 * through time (`cells/sequence.ts`); `undefined` for the reset-before GRU (and empty sequences),
 * which run by `scan`.
 */
const fusedSequence = (
  c: Config,
  p: CellParams,
  x: Tensor,
  init: State,
  mask: Tensor | undefined,
  reverse: boolean,
): { final: State; ys: Tensor } | undefined => {
  if ((x.shape[0] ?? 0) === 0) return undefined
  const w: CellParams = {
    weight_ih: p.weight_ih,
    weight_hh: p.weight_hh,
    ...(p.bias_ih === undefined ? {} : { bias_ih: p.bias_ih }),
    ...(p.bias_hh === undefined ? {} : { bias_hh: p.bias_hh }),
    ...(p.weight_hr === undefined ? {} : { weight_hr: p.weight_hr }),
  }
  if (c.mode === 'LSTM' && init.c !== undefined) {
    const { ys, h, c: cn } = lstmSequence(mask, reverse)(x, init.h, init.c, w)
    return { final: { h, c: cn }, ys }
  }
  if (c.mode === 'GRU' && c.resetAfter) {
    const { ys, h } = gruSequence(mask, reverse)(x, init.h, w)
    return { final: { h }, ys }
  }
  if (c.mode === 'RNN_TANH' || c.mode === 'RNN_RELU') {
    const { ys, h } = rnnSequence(mask, reverse, c.mode === 'RNN_RELU')(x, init.h, w)
    return { final: { h }, ys }
  }
  return undefined
}

/** Whether {@link fusedSequence} runs this layer (over a non-empty sequence). */
const hasFusedSequence = (c: Config, init: State): boolean =>
  (c.mode === 'LSTM' && init.c !== undefined) ||
  (c.mode === 'GRU' && c.resetAfter) ||
  c.mode === 'RNN_TANH' ||
  c.mode === 'RNN_RELU'

/** Steps `[from, from + count)` of a sequence `(L, N, ·)`. */
const steps = (x: Tensor, from: number, count: number): Tensor =>
  slice(
    x,
    x.shape.map((_, i) => (i === 0 ? from : 0)),
    x.shape.map((n, i) => (i === 0 ? count : n)),
  )

/**
 * {@link fusedSequence} in segments of `k` steps, each one `checkpoint` call (processed last to
 * first when `reverse`), the state carried from segment to segment.
 */
const segmented = (
  c: Config,
  p: CellParams,
  x: Tensor,
  init: State,
  mask: Tensor | undefined,
  reverse: boolean,
  k: number,
): { final: State; ys: Tensor } | undefined => {
  const L = x.shape[0] ?? 0
  if (L === 0 || !hasFusedSequence(c, init)) return undefined
  const starts = Array.from({ length: Math.ceil(L / k) }, (_, i) => i * k)
  const parts: Tensor[] = []
  let state = init
  for (const [i, from] of (reverse ? [...starts].reverse() : starts).entries()) {
    const count = Math.min(k, L - from)
    const m = mask === undefined ? undefined : steps(mask, from, count)
    // the weights are an argument, not closed over: a segment whose input and state are constants
    // (the first) is still checkpointed when only the weights are traced
    const segment = checkpoint((xs: Tensor, s: State, w: CellParams): [State, Tensor] => {
      const r = fusedSequence(c, w, xs, s, m, reverse)
      if (r === undefined) throw new Error('rnn: no fused sequence for a segment') // excluded by hasFusedSequence
      return [r.final, r.ys]
    })
    const [next, ys] = segment(steps(x, from, count), state, p)
    parts[reverse ? starts.length - 1 - i : i] = ys
    state = next
  }
  return { final: state, ys: parts.length === 1 ? (parts[0] as Tensor) : concat(parts, 0) }
}

/** One direction of one layer over the whole sequence `x` `(L, N, ·)`. */
const direction = (
  c: Config,
  params: LayerParams,
  layer: number,
  d: number,
  x: Tensor,
  init: State,
  mask: Tensor | undefined,
  segments: number | undefined,
) => {
  const p = cellParams(params, layer, d)
  const fused =
    segments === undefined ? fusedSequence(c, p, x, init, mask, d === 1) : segmented(c, p, x, init, mask, d === 1, segments)
  if (fused !== undefined) return fused
  const cell = recur(c.mode, c.resetAfter, p)
  const xs = { xp: projectInput(p, x), m: mask }
  const [final, ys] = scan(
    (s: State, { xp, m }: { xp: Tensor; m: Tensor | undefined }) => {
      const [next, y] = cell(s, xp)
      if (m === undefined) return [next, y] as const
      const kept: State =
        next.c === undefined || s.c === undefined
          ? { h: where(m, next.h, s.h) }
          : { h: where(m, next.h, s.h), c: where(m, next.c, s.c) }
      return [kept, where(m, y, 0)] as const
    },
    init,
    xs,
    segments === undefined ? { reverse: d === 1 } : { reverse: d === 1, checkpoint: segments },
  )
  return { final, ys }
}

/**
 * Runs a recurrent layer over `input` (see the module header for shapes and semantics).
 *
 * @category layers
 * @since 0.1.0
 */
export const run = (c: Config, params: LayerParams, input: Tensor, options: RunOptions = {}): Output => {
  const unbatched = input.rank === 2
  if (input.rank !== 2 && input.rank !== 3)
    fail('input', `input must be (L, N, H_in), (N, L, H_in) or unbatched (L, H_in); got rank ${input.rank}`, {
      input: input.shape,
    })
  if (input.shape[input.rank - 1] !== c.inputSize)
    fail('input', `the last dimension of input must be inputSize ${c.inputSize}`, { input: input.shape })
  if (unbatched && options.lengths !== undefined) fail('lengths', 'lengths need batched input', { input: input.shape })
  const k = options.checkpoint
  if (k !== undefined && !(Number.isInteger(k) && k >= 1))
    fail('checkpoint', `checkpoint is a segment length, an integer ≥ 1; got ${k}`, { input: input.shape })
  const x0 = unbatched ? expandDims(input, 1) : c.batchFirst ? transpose(input, [1, 0, 2]) : input
  const [L = 0, N = 0] = x0.shape
  const D = directions(c)
  const hOut = outputSize(c)
  const h0 = initialState('h0', options.h0, [D * c.numLayers, N, hOut], unbatched, input)
  const c0 = c.mode === 'LSTM' ? initialState('c0', options.c0, [D * c.numLayers, N, c.hiddenSize], unbatched, input) : undefined
  if (c.mode !== 'LSTM' && options.c0 !== undefined)
    fail('c0', `c0 is only for LSTM (mode is ${c.mode})`, { c0: options.c0.shape })
  const mask = options.lengths === undefined ? undefined : lengthMask(options.lengths, L, N, input)
  const keys = options.key === undefined || c.dropout === 0 ? undefined : Random.split(options.key, Math.max(1, c.numLayers - 1))
  const hs: Tensor[] = []
  const cs: Tensor[] = []
  let x = x0
  for (let layer = 0; layer < c.numLayers; layer++) {
    const outs: Tensor[] = []
    for (let d = 0; d < D; d++) {
      const k = layer * D + d
      const init: State = c0 === undefined ? { h: index(h0, k) } : { h: index(h0, k), c: index(c0, k) }
      const { final, ys } = direction(c, params, layer, d, x, init, mask, options.checkpoint)
      outs.push(ys)
      hs.push(final.h)
      if (final.c !== undefined) cs.push(final.c)
    }
    x = outs.length === 1 ? (outs[0] as Tensor) : concat(outs, 2)
    const key = keys?.[layer]
    if (key !== undefined && layer < c.numLayers - 1) {
      const keep = Random.bernoulli(key, 1 - c.dropout, x.shape, { dtype: x.dtype, backend: x.backend })
      x = mul(x, mul(keep, 1 / (1 - c.dropout)))
    }
  }
  const output = unbatched ? squeeze(x, [1]) : c.batchFirst ? transpose(x, [1, 0, 2]) : x
  const h_n = unbatched ? squeeze(stack(hs), [1]) : stack(hs)
  if (cs.length === 0) return { output, h_n }
  return { output, h_n, c_n: unbatched ? squeeze(stack(cs), [1]) : stack(cs) }
}
