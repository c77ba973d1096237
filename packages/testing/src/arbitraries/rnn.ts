/**
 * Arbitraries for recurrent layers: configs with every option of `torch.nn.RNN/LSTM/GRU`, and whole
 * problems (a config plus the data of one call: input, `lengths`, initial states, a parameter
 * seed), built by construction (tuples and `map`, one `chain` for the sizes that depend on the
 * config; no `filter`), with small sizes so that a property runs in milliseconds.
 *
 * `@recur/testing` does not depend on `@recur/models`: {@link RnnConfig} is a structural copy of its
 * `ConfigInput` with every field present, so a generated config can be passed to models' `config()`
 * as is. The numbers are plain arrays, so that tests can build tensors on any backend and dtype.
 *
 * @since 0.1.0
 */
import fc from 'fast-check'

/**
 * The cell kind and its nonlinearity, named as PyTorch's `mode`.
 *
 * @category model
 * @since 0.1.0
 */
export type RnnMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU'

/**
 * A layer config with every option given: the fields of `@recur/models`' `ConfigInput`, so it
 * decodes with models' `config()` (which rejects unknown keys: there are none).
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnConfig {
  readonly mode: RnnMode
  readonly inputSize: number
  readonly hiddenSize: number
  readonly numLayers: number
  readonly bias: boolean
  readonly batchFirst: boolean
  /** Always 0: dropout is random, so laws about it need their own arbitraries. */
  readonly dropout: number
  readonly bidirectional: boolean
  /** LSTM only, and then in `[0, hiddenSize)`; 0 for the other modes. */
  readonly projSize: number
  /** Drawn for GRU; `true` (the default, and ignored) for the other modes. */
  readonly resetAfter: boolean
}

/**
 * Bounds and fixed options for {@link rnnConfig}.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnConfigConstraints {
  /** The modes to draw from (default all four). */
  readonly modes?: readonly RnnMode[]
  /** Largest `inputSize` (default 4; the smallest is 1). */
  readonly maxInputSize?: number
  /** Largest `hiddenSize` (default 5; the smallest is 1). */
  readonly maxHiddenSize?: number
  /** Smallest `numLayers` (default 1). */
  readonly minLayers?: number
  /** Largest `numLayers` (default 3). */
  readonly maxLayers?: number
  /** Fix `bidirectional` (default: either). */
  readonly bidirectional?: boolean
  /** Fix `batchFirst` (default: either). */
  readonly batchFirst?: boolean
  /** Let LSTM configs project (`projSize > 0`) (default true). */
  readonly projection?: boolean
}

const allModes: readonly RnnMode[] = ['RNN_TANH', 'RNN_RELU', 'LSTM', 'GRU']

const boolOr = (fixed: boolean | undefined): fc.Arbitrary<boolean> => (fixed === undefined ? fc.boolean() : fc.constant(fixed))

/**
 * Layer configs covering every option: the four modes (Elman tanh and relu, LSTM, GRU), GRU with
 * `resetAfter` both ways, `numLayers` 1–3, `bidirectional`, `bias`, `batchFirst`, and LSTM
 * projections (`projSize` in `[1, hiddenSize)`, in about a third of LSTM configs),
 * with `inputSize` 1–4 and `hiddenSize` 1–5. Shrinks towards a one-layer, unidirectional
 * `RNN_TANH` with biases, sizes 1 and no projection.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const rnnConfig = (c: RnnConfigConstraints = {}): fc.Arbitrary<RnnConfig> => {
  const modes = c.modes ?? allModes
  if (modes.length === 0) throw new RangeError('rnnConfig: modes must not be empty')
  const maxHidden = c.maxHiddenSize ?? 5
  return fc
    .tuple(
      fc.constantFrom(...modes),
      fc.integer({ min: 1, max: c.maxInputSize ?? 4 }),
      fc.integer({ min: 1, max: maxHidden }),
      fc.integer({ min: c.minLayers ?? 1, max: c.maxLayers ?? 3 }),
      fc.boolean().map((noBias) => !noBias),
      boolOr(c.batchFirst),
      boolOr(c.bidirectional),
      c.projection === false
        ? fc.constant(0)
        : fc.option(fc.integer({ min: 1, max: Math.max(1, maxHidden - 1) }), { nil: 0, freq: 2 }),
      fc.boolean().map((before) => !before),
    )
    .map(([mode, inputSize, hiddenSize, numLayers, bias, batchFirst, bidirectional, proj, resetAfter]) => ({
      mode,
      inputSize,
      hiddenSize,
      numLayers,
      bias,
      batchFirst,
      dropout: 0,
      bidirectional,
      // a projection in [1, hiddenSize) when there is room; 0 otherwise and for the other modes
      projSize: mode === 'LSTM' && hiddenSize > 1 ? proj % hiddenSize : 0,
      resetAfter: mode === 'GRU' ? resetAfter : true,
    }))
}

/**
 * Row-major numbers for a tensor of `shape`.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnData {
  readonly shape: readonly number[]
  readonly values: readonly number[]
}

/**
 * Data for `shape`: finite doubles in `[-bound, bound]` (default bound 1), `-0` and the bounds
 * included.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const rnnData = (shape: readonly number[], bound = 1): fc.Arbitrary<RnnData> => {
  const n = shape.reduce((a, b) => a * b, 1)
  return fc
    .array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: n, maxLength: n })
    .map((values) => ({ shape: [...shape], values }))
}

/**
 * One call of a layer: a config and everything `run(config, params, input, options)` takes.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnProblem {
  readonly config: RnnConfig
  /** L, the sequence length. */
  readonly seqLength: number
  /** N, the batch size; `undefined` for an unbatched input. */
  readonly batch: number | undefined
  /** `(L, N, inputSize)`, `(N, L, inputSize)` with `batchFirst`, or `(L, inputSize)` unbatched. */
  readonly input: RnnData
  /** Valid length of each sequence, each in `[1, L]`, any order (batched problems only). */
  readonly lengths: readonly number[] | undefined
  /** `(D·numLayers, N, H_out)` or `(D·numLayers, H_out)` unbatched (`H_out` = projSize or hiddenSize). */
  readonly h0: RnnData | undefined
  /** LSTM only: `(D·numLayers, N, hiddenSize)` or `(D·numLayers, hiddenSize)` unbatched. */
  readonly c0: RnnData | undefined
  /** A seed in `[0, 2^31)` for the parameters (e.g. `initParams(config, Random.key(seed))`). */
  readonly seed: number
}

/**
 * Bounds and fixed options for {@link rnnProblem}, on top of the config's.
 *
 * @category model
 * @since 0.1.0
 */
export interface RnnProblemConstraints extends RnnConfigConstraints {
  /** Smallest sequence length L (default 1). */
  readonly minSeqLength?: number
  /** Largest sequence length L (default 6). */
  readonly maxSeqLength?: number
  /** Largest batch N (default 4; the smallest is 1). */
  readonly maxBatch?: number
  /** `true`: always batched; `false`: always unbatched (default: either, batched 4 times in 5). */
  readonly batched?: boolean
  /**
   * `true`: always give `lengths` (implies batched); `false`: never (default: in 3 of 4 batched
   * problems).
   */
  readonly lengths?: boolean
  /** `true`: always give `h0` (and `c0` for LSTM); `false`: never (default: each in 3 of 4). */
  readonly initialState?: boolean
}

const optional = <A>(fixed: boolean | undefined, arb: fc.Arbitrary<A>): fc.Arbitrary<A | undefined> =>
  fixed === undefined ? fc.option(arb, { nil: undefined, freq: 4 }) : fixed ? arb : fc.constant(undefined)

/**
 * Problems for a recurrent layer: a {@link rnnConfig} and a data plan. The sequence length L is
 * 1–6; the input is batched (N 1–4, in the config's layout) or unbatched; batched problems may
 * give `lengths` (each in `[1, L]`, in any order, shrinking towards L: no padding); `h0` and `c0`
 * are each given or not; every number is a double in `[-1, 1]`. Shrinks towards short, unpadded,
 * zero-initialised, small problems.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const rnnProblem = (c: RnnProblemConstraints = {}): fc.Arbitrary<RnnProblem> => {
  if (c.lengths === true && c.batched === false) throw new RangeError('rnnProblem: lengths need batched problems')
  const batched = c.lengths === true ? true : c.batched
  const batch = fc.integer({ min: 1, max: c.maxBatch ?? 4 })
  return fc
    .tuple(
      rnnConfig(c),
      fc.integer({ min: c.minSeqLength ?? 1, max: c.maxSeqLength ?? 6 }),
      batched === undefined ? fc.option(batch, { nil: undefined, freq: 5 }) : batched ? batch : fc.constant(undefined),
    )
    .chain(([config, L, N]) => {
      const rows = (config.bidirectional ? 2 : 1) * config.numLayers
      const hOut = config.projSize > 0 ? config.projSize : config.hiddenSize
      const I = config.inputSize
      const perBatch = (n: number): readonly number[] => (N === undefined ? [n] : [N, n])
      const inputShape = N === undefined ? [L, I] : config.batchFirst ? [N, L, I] : [L, N, I]
      const lengths =
        N === undefined
          ? fc.constant(undefined)
          : optional(
              c.lengths,
              fc.array(
                fc.integer({ min: 0, max: L - 1 }).map((padding) => L - padding),
                { minLength: N, maxLength: N },
              ),
            )
      return fc
        .record({
          input: rnnData(inputShape),
          lengths,
          h0: optional(c.initialState, rnnData([rows, ...perBatch(hOut)])),
          c0:
            config.mode === 'LSTM'
              ? optional(c.initialState, rnnData([rows, ...perBatch(config.hiddenSize)]))
              : fc.constant(undefined),
          seed: fc.nat(),
        })
        .map((data) => ({ config, seqLength: L, batch: N, ...data }))
    })
}
