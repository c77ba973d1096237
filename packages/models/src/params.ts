/**
 * Layer parameters: a flat record keyed by PyTorch's state_dict names (`weight_ih_l0`,
 * `weight_hh_l1_reverse`, `bias_ih_l0`, `weight_hr_l0`, …), so that loading and saving PyTorch
 * weights is a rename-free copy. Also the shapes every config needs, and PyTorch's default
 * initialisation.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, Random, type Shape, type Tensor } from '@recur/core'
import type { CellParams } from './cells/step.js'
import { type Config, directions, gates, outputSize } from './config.js'

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
 * Where new parameters live.
 *
 * @category model
 * @since 0.1.0
 */
export interface InitOptions {
  readonly dtype?: DType
  readonly backend?: Backend
}

/**
 * PyTorch's default initialisation: every parameter from U(−1/√H, 1/√H), H = hiddenSize. Each
 * parameter gets its own key, split from `key` in state_dict order.
 *
 * @category constructors
 * @since 0.1.0
 */
export const initParams = (c: Config, key: Random.Key, options: InitOptions = {}): LayerParams => {
  const shapes = paramShapes(c)
  const keys = Random.split(key, shapes.length)
  const bound = 1 / Math.sqrt(c.hiddenSize)
  return Object.fromEntries(
    shapes.map(([name, shape], i) => [
      name,
      Random.uniform(keys[i] as Random.Key, shape, { ...options, min: -bound, max: bound }),
    ]),
  )
}
