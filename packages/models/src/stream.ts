/**
 * Streaming inference: a unidirectional layer (any number of stacked layers) fed one input at a
 * time, for any batch size, carrying its state between calls. The state has the layout of the
 * layer's `h0`/`c0` and `h_n`/`c_n`, so a state from `run` continues in `stream` and back:
 * stepping through a sequence gives exactly `run`'s outputs and final state.
 *
 * Shapes (N = batch; H_out = projSize or hiddenSize):
 * - `x`: `(N, H_in)`, or `(H_in)` unbatched;
 * - `state.h`: `(numLayers, N, H_out)` (unbatched `(numLayers, H_out)`); LSTM `state.c`:
 *   `(numLayers, N, hiddenSize)`;
 * - the output of a step: `(N, H_out)` (unbatched `(H_out)`), the last layer's new `h`.
 *
 * No dropout is applied (inference).
 *
 * @since 0.1.0
 */
import { type Backend, type DType, expandDims, index, shapeError, squeeze, stack, type Tensor, zeros } from '@recur/core'
import { type State, step } from './cells/step.js'
import { type Config, outputSize } from './config.js'
import { cellParams, type LayerParams } from './params.js'

/**
 * The carried state of a streamed layer, in `h_n`/`c_n` layout.
 *
 * @category model
 * @since 0.1.0
 */
export type StreamState = { readonly h: Tensor; readonly c?: Tensor }

/**
 * A layer prepared for streaming: its zero state and its step.
 *
 * @category model
 * @since 0.1.0
 */
export type Streamer = {
  /** Zeros of the state for `batch` streams (`undefined`: unbatched). */
  readonly initialState: (batch: number | undefined, place: { readonly backend: Backend; readonly dtype?: DType }) => StreamState
  /** One input `x` `(N, H_in)` or `(H_in)` → `[next state, output (N, H_out) or (H_out)]`. */
  readonly step: (state: StreamState, x: Tensor) => readonly [StreamState, Tensor]
}

const fail = (arg: string, reason: string, shapes: Readonly<Record<string, readonly number[]>>): never => {
  throw shapeError('stream', arg, reason, shapes)
}

const checkState = (name: string, t: Tensor, want: readonly number[], x: Tensor): void => {
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i]))
    fail(`state.${name}`, `state.${name} must have shape [${want.join(', ')}] for this input`, {
      x: x.shape,
      [`state.${name}`]: t.shape,
    })
  if (t.dtype !== x.dtype) fail(`state.${name}`, `state.${name} is ${t.dtype} but x is ${x.dtype}`, { x: x.shape })
}

/**
 * Prepares `params` of config `c` for streaming (see the module header). A bidirectional layer
 * cannot stream: its reverse direction needs the whole sequence.
 *
 * @example
 * const s = streamer(c, params)
 * let state = s.initialState(1, { backend: cpu })
 * for (const x of inputs) { const [next, y] = s.step(state, x); state = next; use(y) } // x (1, H_in)
 *
 * @category layers
 * @since 0.1.0
 */
export const streamer = (c: Config, params: LayerParams): Streamer => {
  if (c.bidirectional)
    throw new TypeError(
      'stream: a bidirectional layer cannot run one step at a time (its reverse direction needs the whole sequence)',
    )
  const cells = Array.from({ length: c.numLayers }, (_, l) => step(c.mode, c.resetAfter, cellParams(params, l, 0)))
  const lstm = c.mode === 'LSTM'
  return {
    initialState: (batch, place) => {
      const dims = (width: number) => (batch === undefined ? [c.numLayers, width] : [c.numLayers, batch, width])
      const opts = { backend: place.backend, dtype: place.dtype ?? 'float32' }
      const h = zeros(dims(outputSize(c)), opts)
      return lstm ? { h, c: zeros(dims(c.hiddenSize), opts) } : { h }
    },
    step: (state, x) => {
      if (x.rank !== 1 && x.rank !== 2) fail('x', `x must be (N, H_in) or unbatched (H_in); got rank ${x.rank}`, { x: x.shape })
      if (x.shape[x.rank - 1] !== c.inputSize)
        fail('x', `the last dimension of x must be inputSize ${c.inputSize}`, { x: x.shape })
      const unbatched = x.rank === 1
      const lead = unbatched ? [c.numLayers] : [c.numLayers, x.shape[0] ?? 0]
      checkState('h', state.h, [...lead, outputSize(c)], x)
      if (lstm) {
        if (state.c === undefined) fail('state.c', 'an LSTM state needs c', { x: x.shape })
        else checkState('c', state.c, [...lead, c.hiddenSize], x)
      } else if (state.c !== undefined) fail('state.c', `state.c is only for LSTM (mode is ${c.mode})`, { x: x.shape })
      let input = unbatched ? expandDims(x, 0) : x
      const hs: Tensor[] = []
      const cs: Tensor[] = []
      cells.forEach((cell, l) => {
        const at = (t: Tensor) => (unbatched ? expandDims(index(t, l), 0) : index(t, l))
        const s: State = state.c === undefined ? { h: at(state.h) } : { h: at(state.h), c: at(state.c) }
        const [next, y] = cell(s, input)
        hs.push(unbatched ? squeeze(next.h, [0]) : next.h)
        if (next.c !== undefined) cs.push(unbatched ? squeeze(next.c, [0]) : next.c)
        input = y
      })
      const out = unbatched ? squeeze(input, [0]) : input
      const h = stack(hs)
      return [cs.length === 0 ? { h } : { h, c: stack(cs) }, out]
    },
  }
}
