/**
 * Cells as values: `init`, `initialState` and a pure `step`, with PyTorch's `RNNCell`, `LSTMCell`
 * and `GRUCell` semantics and parameter names. Run one over time with `scan`:
 *
 * ```ts
 * const lstm = cell({ mode: 'LSTM', inputSize: 3, hiddenSize: 8 })
 * const params = lstm.init(Random.key(0), { backend: cpu })
 * const [final, hs] = scan(lstm.step(params), lstm.initialState(4, { backend: cpu }), xs) // xs (L, 4, 3)
 * ```
 *
 * @since 0.1.0
 */
import { type Random, type Tensor, zeros } from '@recur/core'
import { type Config, config, type Mode, outputSize } from '../config.js'
import { cellParams, type InitOptions, initParams } from '../params.js'
import { type CellParams, type State, step } from './step.js'

/**
 * A cell's configuration: the layer options that make sense for one step.
 *
 * @category model
 * @since 0.1.0
 */
export interface CellConfigInput {
  readonly mode: Mode
  readonly inputSize: number
  readonly hiddenSize: number
  readonly bias?: boolean
  readonly projSize?: number
  readonly resetAfter?: boolean
}

/**
 * A recurrent cell.
 *
 * @category model
 * @since 0.1.0
 */
export interface Cell {
  /** The checked configuration (as a one-layer, one-direction layer config). */
  readonly config: Config
  /** New parameters (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, `weight_hr`), PyTorch's init by default. */
  readonly init: (key: Random.Key, options?: InitOptions) => CellParams
  /** Zeros: `h` `(N, H_out)` (`(H_out)` when `batch` is undefined); LSTM also `c` `(N, H)`. */
  readonly initialState: (batch: number | undefined, options?: Pick<InitOptions, 'dtype' | 'backend'>) => State
  /** The pure step: `(state, x (N, I) or (I)) => [state, h]`. */
  readonly step: (params: CellParams) => (state: State, x: Tensor) => readonly [State, Tensor]
}

/**
 * A cell for `mode`, its configuration checked as a layer's would be.
 *
 * @category constructors
 * @since 0.1.0
 */
export const cell = (input: CellConfigInput): Cell => {
  const c = config({ ...input, numLayers: 1, bidirectional: false })
  return {
    config: c,
    init: (key, options = {}) => cellParams(initParams(c, key, options), 0, 0),
    initialState: (batch, options = {}) => {
      const lead = batch === undefined ? [] : [batch]
      const h = zeros([...lead, outputSize(c)], options)
      return c.mode === 'LSTM' ? { h, c: zeros([...lead, c.hiddenSize], options) } : { h }
    },
    step: (params) => step(c.mode, c.resetAfter, params),
  }
}
