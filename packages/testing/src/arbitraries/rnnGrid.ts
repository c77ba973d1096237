/**
 * Every configuration {@link rnnProblem} can produce, enumerated instead of sampled: the cross
 * product of the discrete options at fixed small sizes, each with data drawn uniformly from
 * [−1, 1] by its own seed (so no input is exactly 0, which keeps `RNN_RELU` off its kink).
 *
 * The options and their values (6 · 3 · 2 · 2 · 2 · 3 · 2 = 864 problems by default):
 * cell (`RNN_TANH`, `RNN_RELU`, `LSTM`, `LSTM` with `projSize`, `GRU` reset-after, `GRU`
 * reset-before) × `numLayers` (1, 2, 3) × `bidirectional` × `bias` × `batchFirst` × input
 * (unbatched, batched, batched with `lengths`) × initial states (zeros, or `h0` and `c0` given).
 *
 * @since 0.1.0
 */
import { Random } from '@recur/core'
import { reference } from '../reference.js'
import type { RnnConfig, RnnData, RnnMode, RnnProblem } from './rnn.js'

/**
 * Sizes of the grid's problems and the values of `numLayers` (defaults in brackets).
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnGridSizes {
  /** [2] */
  readonly inputSize?: number
  /** [3] */
  readonly hiddenSize?: number
  /** The LSTM projection, in [1, hiddenSize) [2]. */
  readonly projSize?: number
  /** L [4]; `lengths` are `[1 + seed mod (L − 1), L]`-like: one padded sample, one full. */
  readonly seqLength?: number
  /** N of batched problems [2]. */
  readonly batch?: number
  /** [1, 2, 3] */
  readonly layers?: readonly number[]
}

/**
 * A cell kind of the grid: the mode with its variant.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnCellKind {
  readonly mode: RnnMode
  readonly projection: boolean
  readonly resetAfter: boolean
}

/**
 * The six cell kinds: Elman tanh and relu, LSTM without and with projection, GRU reset-after
 * (PyTorch) and reset-before (Keras).
 *
 * @category constructors
 * @since 0.1.0
 */
export const rnnCellKinds: readonly RnnCellKind[] = [
  { mode: 'RNN_TANH', projection: false, resetAfter: true },
  { mode: 'RNN_RELU', projection: false, resetAfter: true },
  { mode: 'LSTM', projection: false, resetAfter: true },
  { mode: 'LSTM', projection: true, resetAfter: true },
  { mode: 'GRU', projection: false, resetAfter: true },
  { mode: 'GRU', projection: false, resetAfter: false },
]

const bools = [false, true] as const
const inputs = ['unbatched', 'batched', 'lengths'] as const

const redraw = (d: RnnData, key: Random.Key | undefined): RnnData => ({
  shape: [...d.shape],
  values: Random.uniform(key ?? Random.key(0), d.shape, { min: -1, max: 1, dtype: 'float64', backend: reference }).toFlat(),
})

/**
 * `problem` with new numbers for its input and initial states, uniform in [−1, 1] from its seed:
 * none is exactly 0 or ±1, so `RNN_RELU` stays off its kink (for gradient checks, whose central
 * differences need a smooth neighbourhood). Shapes, lengths and the parameter seed are unchanged.
 *
 * @category combinators
 * @since 0.1.0
 */
export const resampleRnnData = (problem: RnnProblem): RnnProblem => {
  const [kx, kh, kc] = Random.split(Random.key(problem.seed), 3)
  return {
    ...problem,
    input: redraw(problem.input, kx),
    h0: problem.h0 === undefined ? undefined : redraw(problem.h0, kh),
    c0: problem.c0 === undefined ? undefined : redraw(problem.c0, kc),
  }
}

/**
 * Every problem of the grid (see the module header), in a fixed order; problem `i` has seed `i`.
 *
 * @example
 * const grid = rnnProblemGrid()          // 864 problems
 * grid.filter((p) => p.config.mode === 'GRU' && !p.config.resetAfter).length // 144
 *
 * @category constructors
 * @since 0.1.0
 */
export const rnnProblemGrid = (sizes: RnnGridSizes = {}): RnnProblem[] => {
  const I = sizes.inputSize ?? 2
  const H = sizes.hiddenSize ?? 3
  const P = sizes.projSize ?? 2
  const L = sizes.seqLength ?? 4
  const B = sizes.batch ?? 2
  if (P < 1 || P >= H) throw new RangeError(`rnnProblemGrid: projSize ${P} must be in [1, hiddenSize ${H})`)
  if (L < 2) throw new RangeError(`rnnProblemGrid: seqLength ${L} must be at least 2 (lengths pad one sample)`)
  const out: RnnProblem[] = []
  for (const kind of rnnCellKinds)
    for (const numLayers of sizes.layers ?? [1, 2, 3])
      for (const bidirectional of bools)
        for (const bias of bools)
          for (const batchFirst of bools)
            for (const input of inputs)
              for (const given of bools) {
                const seed = out.length
                const config: RnnConfig = {
                  mode: kind.mode,
                  inputSize: I,
                  hiddenSize: H,
                  numLayers,
                  bias,
                  batchFirst,
                  dropout: 0,
                  bidirectional,
                  projSize: kind.projection ? P : 0,
                  resetAfter: kind.resetAfter,
                }
                const batch = input === 'unbatched' ? undefined : B
                const per = (n: number): number[] => (batch === undefined ? [n] : [batch, n])
                const rows = (bidirectional ? 2 : 1) * numLayers
                out.push(
                  resampleRnnData({
                    config,
                    seqLength: L,
                    batch,
                    input: { shape: batch === undefined ? [L, I] : batchFirst ? [batch, L, I] : [L, batch, I], values: [] },
                    lengths:
                      input === 'lengths' ? Array.from({ length: B }, (_, n) => (n === 0 ? 1 + (seed % (L - 1)) : L)) : undefined,
                    h0: given ? { shape: [rows, ...per(kind.projection ? P : H)], values: [] } : undefined,
                    c0: given && kind.mode === 'LSTM' ? { shape: [rows, ...per(H)], values: [] } : undefined,
                    seed,
                  }),
                )
              }
  return out
}
