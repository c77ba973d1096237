/**
 * The configuration of a recurrent layer, with PyTorch's options and defaults, decoded with io-ts so
 * that a bad config fails with a path-precise message instead of a wrong number later.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'

/**
 * The cell kind, named as PyTorch's `mode`: Elman RNN with tanh or relu, LSTM, GRU.
 *
 * @category model
 * @since 0.1.0
 */
export type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU'

interface PositiveIntBrand {
  readonly PositiveInt: unique symbol
}
interface NonNegativeIntBrand {
  readonly NonNegativeInt: unique symbol
}
const PositiveInt = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveIntBrand> => Number.isInteger(n) && n > 0,
  'PositiveInt',
)
const NonNegativeInt = t.brand(
  t.number,
  (n): n is t.Branded<number, NonNegativeIntBrand> => Number.isInteger(n) && n >= 0,
  'NonNegativeInt',
)
const Probability = t.refinement(t.number, (p) => p >= 0 && p < 1, 'Probability in [0, 1)')

const required = {
  mode: t.keyof({ RNN_TANH: null, RNN_RELU: null, LSTM: null, GRU: null }),
  inputSize: PositiveInt,
  hiddenSize: PositiveInt,
}
const optional = {
  numLayers: PositiveInt,
  bias: t.boolean,
  batchFirst: t.boolean,
  dropout: Probability,
  bidirectional: t.boolean,
  projSize: NonNegativeInt,
  resetAfter: t.boolean,
}

/**
 * The io-ts codec of a layer config (unknown keys are rejected by {@link decodeConfig}).
 *
 * @category codecs
 * @since 0.1.0
 */
export const ConfigCodec = t.intersection([t.type(required), t.partial(optional)], 'RNNConfig')

/**
 * A layer config as given: required `mode`, `inputSize`, `hiddenSize`; the rest optional.
 *
 * @category model
 * @since 0.1.0
 */
export interface ConfigInput {
  readonly mode: Mode
  readonly inputSize: number
  readonly hiddenSize: number
  /** Stacked layers (default 1). */
  readonly numLayers?: number
  /** Use `bias_ih` and `bias_hh` (default true). */
  readonly bias?: boolean
  /** Input and output are `(N, L, ·)` instead of `(L, N, ·)` (default false). */
  readonly batchFirst?: boolean
  /** Dropout probability on the outputs of every layer but the last (default 0). */
  readonly dropout?: number
  /** Run a second direction backwards in time and concatenate (default false). */
  readonly bidirectional?: boolean
  /** LSTM only: project `h` to this size with `weight_hr` (default 0: no projection). */
  readonly projSize?: number
  /**
   * GRU only: apply the reset gate after the recurrent matmul, `r ⊙ (W_hn h + b_hn)`, as PyTorch
   * (default true); `false` gives Keras/TF.js/ONNX `linear_before_reset = 0`, `W_hn (r ⊙ h)`.
   */
  readonly resetAfter?: boolean
}

/**
 * A complete, checked config: every option has its value.
 *
 * @category model
 * @since 0.1.0
 */
export type Config = Required<ConfigInput>

const allKeys = new Set([...Object.keys(required), ...Object.keys(optional)])

const crossChecks = (c: Config): string[] => [
  ...(c.projSize > 0 && c.mode !== 'LSTM'
    ? [`RNNConfig/projSize: ${c.projSize} is only supported for LSTM (mode is ${c.mode})`]
    : []),
  ...(c.projSize >= c.hiddenSize ? [`RNNConfig/projSize: ${c.projSize} must be smaller than hiddenSize ${c.hiddenSize}`] : []),
]

/**
 * Decodes an unknown value (parsed JSON, a user object) into a complete config, filling PyTorch's
 * defaults. The `Left` lists every problem with its path, e.g.
 * `Invalid value 0 supplied to : RNNConfig/0: {…}/hiddenSize: PositiveInt`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decodeConfig = (u: unknown): E.Either<readonly string[], Config> =>
  pipe(
    ConfigCodec.decode(u),
    E.mapLeft((errors) => PathReporter.report(E.left(errors))),
    E.chain((c): E.Either<readonly string[], Config> => {
      const extra = Object.keys(u as object).filter((k) => !allKeys.has(k))
      if (extra.length > 0) return E.left(extra.map((k) => `RNNConfig/${k}: unknown option (known: ${[...allKeys].join(', ')})`))
      const full: Config = {
        numLayers: 1,
        bias: true,
        batchFirst: false,
        dropout: 0,
        bidirectional: false,
        projSize: 0,
        resetAfter: true,
        ...c,
      }
      const problems = crossChecks(full)
      return problems.length > 0 ? E.left(problems) : E.right(full)
    }),
  )

/**
 * {@link decodeConfig} for code: returns the config or throws a `TypeError` listing the problems.
 *
 * @category decoding
 * @since 0.1.0
 */
export const config = (input: ConfigInput): Config => {
  const r = decodeConfig(input)
  if (E.isLeft(r)) throw new TypeError(`invalid RNN config:\n  ${r.left.join('\n  ')}`)
  return r.right
}

/**
 * Gates per cell kind: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n).
 *
 * @category accessors
 * @since 0.1.0
 */
export const gates = (mode: Mode): number => (mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1)

/**
 * The size of `h`: `projSize` when projecting, else `hiddenSize` (PyTorch's `H_out`).
 *
 * @category accessors
 * @since 0.1.0
 */
export const outputSize = (c: Config): number => (c.projSize > 0 ? c.projSize : c.hiddenSize)

/**
 * Directions: 2 when bidirectional, else 1 (PyTorch's `D`).
 *
 * @category accessors
 * @since 0.1.0
 */
export const directions = (c: Config): number => (c.bidirectional ? 2 : 1)
