/**
 * An Elman RNN layer (`RNN_TANH`, `RNN_RELU`) written from scratch with core operations and a
 * plain loop over time — the kind of layer a user brings to the RNN laws — with every option of
 * `torch.nn.RNN`: layers, bidirectional, bias, batch-first, unbatched input, initial states and
 * `lengths`. `@recur/testing` may not import `@recur/models`, so this is also how the kit's own
 * tests run the laws.
 *
 * One step: `h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)`; past a sequence's length the state is
 * kept and the output is 0.
 */
import {
  add,
  concat,
  expandDims,
  fromFlat,
  index,
  matmul,
  Random,
  relu,
  squeeze,
  stack,
  type Tensor,
  tanh,
  transpose,
  where,
  zeros,
} from '@recur/core'
import type { RecurrentLayer, RnnConfig, RnnOutput, RnnParams, RnnPlace, RnnRunOptions } from '../../src/index.js'

const suffix = (layer: number, d: number): string => `_l${layer}${d === 1 ? '_reverse' : ''}`

const initParams = (c: RnnConfig, key: Random.Key, place: RnnPlace): RnnParams => {
  const D = c.bidirectional ? 2 : 1
  const H = c.hiddenSize
  const shapes: [string, number[]][] = []
  for (let l = 0; l < c.numLayers; l++)
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d)
      shapes.push([`weight_ih${s}`, [H, l === 0 ? c.inputSize : D * H]], [`weight_hh${s}`, [H, H]])
      if (c.bias) shapes.push([`bias_ih${s}`, [H]], [`bias_hh${s}`, [H]])
    }
  const keys = Random.split(key, shapes.length)
  const bound = 1 / Math.sqrt(H)
  return Object.fromEntries(
    shapes.map(([name, shape], i) => [name, Random.uniform(keys[i] ?? key, shape, { min: -bound, max: bound, ...place })]),
  )
}

const weight = (p: RnnParams, name: string): Tensor => {
  const t = p[name]
  if (t === undefined) throw new TypeError(`elman: missing parameter ${name} (have ${Object.keys(p).join(', ')})`)
  return t
}

const run = (c: RnnConfig, p: RnnParams, input: Tensor, o: RnnRunOptions): RnnOutput => {
  const unbatched = input.rank === 2
  const x = unbatched ? expandDims(input, 1) : c.batchFirst ? transpose(input, [1, 0, 2]) : input
  const [L = 0, N = 0] = x.shape
  const D = c.bidirectional ? 2 : 1
  const place = { backend: input.backend, dtype: input.dtype }
  const h0 = o.h0 === undefined ? zeros([D * c.numLayers, N, c.hiddenSize], place) : unbatched ? expandDims(o.h0, 1) : o.h0
  const mask =
    o.lengths === undefined
      ? undefined
      : fromFlat(
          Array.from({ length: L * N }, (_, k) => (Math.floor(k / N) < (o.lengths?.[k % N] ?? L) ? 1 : 0)),
          [L, N, 1],
          place,
        )
  const act = c.mode === 'RNN_RELU' ? relu : tanh
  let layerInput = x
  const finals: Tensor[] = []
  for (let l = 0; l < c.numLayers; l++) {
    const outs: Tensor[] = []
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d)
      const bias = (t: Tensor, name: string) => (c.bias ? add(t, weight(p, `${name}${s}`)) : t)
      let h = index(h0, l * D + d, 0)
      const ys: Tensor[] = new Array<Tensor>(L)
      for (let i = 0; i < L; i++) {
        const t = d === 0 ? i : L - 1 - i
        const ih = matmul(index(layerInput, t, 0), weight(p, `weight_ih${s}`), { transposeB: true })
        const hh = matmul(h, weight(p, `weight_hh${s}`), { transposeB: true })
        const next = act(add(bias(ih, 'bias_ih'), bias(hh, 'bias_hh')))
        const m = mask === undefined ? undefined : index(mask, t, 0)
        h = m === undefined ? next : where(m, next, h)
        ys[t] = m === undefined ? next : where(m, next, 0)
      }
      outs.push(stack(ys, 0))
      finals.push(h)
    }
    layerInput = D === 1 ? (outs[0] ?? layerInput) : concat(outs, 2)
  }
  const h_n = stack(finals, 0)
  const output = c.batchFirst && !unbatched ? transpose(layerInput, [1, 0, 2]) : layerInput
  return unbatched ? { output: squeeze(output, [1]), h_n: squeeze(h_n, [1]) } : { output, h_n }
}

/**
 * The Elman layer as a {@link RecurrentLayer} (its config is the generated one, unchanged; other
 * modes are refused).
 */
export const elman: RecurrentLayer<RnnConfig> = {
  config: (raw) => {
    if (raw.mode !== 'RNN_TANH' && raw.mode !== 'RNN_RELU') throw new TypeError(`elman: mode ${raw.mode} is not an Elman RNN`)
    return raw
  },
  initParams,
  run,
}
