/**
 * Layer parameters: a flat record keyed by PyTorch's state_dict names (`weight_ih_l0`,
 * `weight_hh_l1_reverse`, `bias_ih_l0`, `weight_hr_l0`, …), so that loading and saving PyTorch
 * weights is a rename-free copy. Also the shapes every config needs, and PyTorch's default
 * initialisation.
 *
 * @since 0.1.0
 */
import { type Backend, concat, type DType, fromFlat, Random, type Shape, type Tensor, zeros } from '@recur/core'
import type { CellParams } from './cells/step.js'
import { type Config, directions, gates, outputSize } from './config.js'
import { defaultUniform, identity, orthogonal, xavierNormal, xavierUniform } from './init.js'

/**
 * A layer's parameters by state_dict name.
 *
 * @category model
 * @since 0.1.0
 */
export type LayerParams = { readonly [name: string]: Tensor }

const suffix = (layer: number, direction: number): string => `_l${layer}${direction === 1 ? '_reverse' : ''}`

/**
 * Every parameter a config needs, in PyTorch's state_dict order, with its shape.
 *
 * @category accessors
 * @since 0.1.0
 */
export const paramShapes = (c: Config): readonly (readonly [string, Shape])[] => {
  const gh = gates(c.mode) * c.hiddenSize
  const hOut = outputSize(c)
  const out: (readonly [string, Shape])[] = []
  for (let layer = 0; layer < c.numLayers; layer++) {
    for (let d = 0; d < directions(c); d++) {
      const s = suffix(layer, d)
      out.push([`weight_ih${s}`, [gh, layer === 0 ? c.inputSize : directions(c) * hOut]])
      out.push([`weight_hh${s}`, [gh, hOut]])
      if (c.bias) {
        out.push([`bias_ih${s}`, [gh]])
        out.push([`bias_hh${s}`, [gh]])
      }
      if (c.projSize > 0) out.push([`weight_hr${s}`, [c.projSize, c.hiddenSize]])
    }
  }
  return out
}

/**
 * The parameters of one cell of the layer (layer `layer`, direction 0 forward / 1 reverse).
 *
 * @category accessors
 * @since 0.1.0
 */
export const cellParams = (params: LayerParams, layer: number, direction: number): CellParams => {
  const s = suffix(layer, direction)
  const need = (name: string): Tensor => {
    const t = params[name]
    if (t === undefined) throw new TypeError(`RNN parameters: '${name}' is missing`)
    return t
  }
  const bi = params[`bias_ih${s}`]
  const bh = params[`bias_hh${s}`]
  const hr = params[`weight_hr${s}`]
  return {
    weight_ih: need(`weight_ih${s}`),
    weight_hh: need(`weight_hh${s}`),
    ...(bi === undefined ? {} : { bias_ih: bi }),
    ...(bh === undefined ? {} : { bias_hh: bh }),
    ...(hr === undefined ? {} : { weight_hr: hr }),
  }
}

/**
 * How to initialise each kind of parameter. Matrix schemes apply to each gate's block separately
 * (an LSTM's `weight_hh` is four `[H, H_out]` blocks, each orthogonal, say).
 *
 * @category model
 * @since 0.1.0
 */
export interface InitScheme {
  /** `weight_ih` and `weight_hr` (default: PyTorch's U(−1/√H, 1/√H)). */
  readonly inputWeights?: 'default' | 'xavierUniform' | 'xavierNormal' | 'orthogonal'
  /** `weight_hh`; `identity` (IRNN) needs `H_out = H` (default: PyTorch's). */
  readonly recurrentWeights?: 'default' | 'xavierUniform' | 'xavierNormal' | 'orthogonal' | 'identity'
  /** Biases: PyTorch's uniform, or zeros (default: PyTorch's). */
  readonly bias?: 'default' | 'zeros'
  /** LSTM: the forget gate's slice of `bias_ih` is set to this and of `bias_hh` to 0, so their sum is this. */
  readonly forgetBias?: number
  /** Gain for the Xavier, orthogonal and identity schemes (default 1). */
  readonly gain?: number
}

/**
 * Where new parameters live, and how to initialise them.
 *
 * @category model
 * @since 0.1.0
 */
export interface InitOptions {
  readonly dtype?: DType
  readonly backend?: Backend
  readonly scheme?: InitScheme
}

/** One parameter, drawn with `key` according to the scheme. */
const initOne = (c: Config, name: string, shape: Shape, key: Random.Key, options: InitOptions): Tensor => {
  const place = {
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  }
  const scheme = options.scheme ?? {}
  const gain = scheme.gain ?? 1
  const isBias = name.startsWith('bias_')
  if (isBias) {
    const base = scheme.bias === 'zeros' ? zeros(shape, place) : defaultUniform(key, shape, c.hiddenSize, place)
    if (c.mode !== 'LSTM' || scheme.forgetBias === undefined) return base
    // gate order i, f, g, o: the forget gate is the slice [H, 2H)
    const value = name.startsWith('bias_ih') ? scheme.forgetBias : 0
    const H = c.hiddenSize
    return fromFlat(
      base.toFlat().map((b, i) => (i >= H && i < 2 * H ? value : b)),
      shape,
      place,
    )
  }
  const kind = name.startsWith('weight_hh') ? (scheme.recurrentWeights ?? 'default') : (scheme.inputWeights ?? 'default')
  if (kind === 'default') return defaultUniform(key, shape, c.hiddenSize, place)
  const [rows = 0, cols = 0] = shape
  const blocks = name.startsWith('weight_hr') ? 1 : gates(c.mode)
  const keys = Random.split(key, blocks)
  const block = (k: Random.Key): Tensor => {
    const s = [rows / blocks, cols]
    switch (kind) {
      case 'xavierUniform':
        return xavierUniform(k, s, gain, place)
      case 'xavierNormal':
        return xavierNormal(k, s, gain, place)
      case 'orthogonal':
        return orthogonal(k, s, gain, place)
      case 'identity':
        return identity(s, gain, place)
    }
  }
  return blocks === 1 ? block(keys[0] as Random.Key) : concat(keys.map(block))
}

/**
 * New parameters for `config`: by default PyTorch's initialisation, every parameter from
 * U(−1/√H, 1/√H) with H = hiddenSize; `options.scheme` picks others. Each parameter gets its own
 * key, split from `key` in state_dict order, so the same key always gives the same parameters.
 *
 * @category constructors
 * @since 0.1.0
 */
export const initParams = (c: Config, key: Random.Key, options: InitOptions = {}): LayerParams => {
  const shapes = paramShapes(c)
  const keys = Random.split(key, shapes.length)
  return Object.fromEntries(shapes.map(([name, shape], i) => [name, initOne(c, name, shape, keys[i] as Random.Key, options)]))
}
