/**
 * A character-level language model: embedding → recurrent layer → linear head over the vocabulary.
 * Pure functions over an immutable parameter tree; `step` runs one position at a time for sampling
 * (streaming inference, any batch size).
 *
 * Shapes (N = batch, L = length, V = vocabulary, E = embedding, H = the layer's output width):
 * `ids` `(N, L)` → logits `(N, L, V)`.
 *
 * @since 0.1.0
 */
import { add, type Backend, type DType, gather, matmul, Random, reshape, stack, type Tensor } from '@recur/core'
import { type Config, type ConfigInput, config, directions, outputSize } from './config.js'
import { type Output, run } from './layer.js'
import { type InitScheme, initParams, type LayerParams } from './params.js'

/**
 * The model's sizes and recurrent layer options (`inputSize` is the embedding size; the layer is
 * batch-first).
 *
 * @category model
 * @since 0.1.0
 */
export type CharLMConfig = {
  readonly vocabSize: number
  readonly embedSize: number
  readonly rnn: Config
}

/**
 * Parameters: `embedding` `(V, E)`, the layer's state-dict-named parameters, and the head
 * (`weight` `(V, H)`, `bias` `(V)`).
 *
 * @category model
 * @since 0.1.0
 */
export type CharLMParams = {
  readonly embedding: Tensor
  readonly rnn: LayerParams
  readonly head: { readonly weight: Tensor; readonly bias: Tensor }
}

/**
 * The recurrent state carried between calls: `h` and, for LSTM, `c`, in the layer's `h0`/`c0`
 * layout `(D·numLayers, N, ·)`.
 *
 * @category model
 * @since 0.1.0
 */
export type CharLMState = { readonly h: Tensor; readonly c?: Tensor }

/**
 * A config from sizes and layer options.
 *
 * @category constructors
 * @since 0.1.0
 */
export const charLMConfig = (
  vocabSize: number,
  embedSize: number,
  rnn: Omit<ConfigInput, 'inputSize' | 'batchFirst'>,
): CharLMConfig => ({ vocabSize, embedSize, rnn: config({ ...rnn, inputSize: embedSize, batchFirst: true }) })

const width = (c: CharLMConfig): number => directions(c.rnn) * outputSize(c.rnn)

/**
 * New parameters: embedding N(0, 1) as PyTorch's `nn.Embedding`, the layer per `scheme` (PyTorch's
 * by default), the head as PyTorch's `nn.Linear` (U(−1/√H, 1/√H)).
 *
 * @category constructors
 * @since 0.1.0
 */
export const initCharLM = (
  c: CharLMConfig,
  key: Random.Key,
  place: { readonly backend?: Backend; readonly dtype?: DType; readonly scheme?: InitScheme } = {},
): CharLMParams => {
  const [ke, kr, kw, kb] = Random.split(key, 4) as [Random.Key, Random.Key, Random.Key, Random.Key]
  const where = {
    ...(place.backend === undefined ? {} : { backend: place.backend }),
    ...(place.dtype === undefined ? {} : { dtype: place.dtype }),
  }
  const bound = 1 / Math.sqrt(width(c))
  return {
    embedding: Random.normal(ke, [c.vocabSize, c.embedSize], where),
    rnn: initParams(c.rnn, kr, { ...where, ...(place.scheme === undefined ? {} : { scheme: place.scheme }) }),
    head: {
      weight: Random.uniform(kw, [c.vocabSize, width(c)], { ...where, min: -bound, max: bound }),
      bias: Random.uniform(kb, [c.vocabSize], { ...where, min: -bound, max: bound }),
    },
  }
}

/**
 * Logits for every position, and the final state. `ids` `(N, L)`; optional `lengths` and initial
 * `state`; `key` enables dropout between layers.
 *
 * @category models
 * @since 0.1.0
 */
export const charLMForward = (
  c: CharLMConfig,
  p: CharLMParams,
  ids: Tensor,
  options: { readonly lengths?: readonly number[]; readonly state?: CharLMState; readonly key?: Random.Key } = {},
): { readonly logits: Tensor; readonly state: CharLMState } => {
  const x = gather(p.embedding, ids, 0) // (N, L, E)
  const r: Output = run(c.rnn, p.rnn, x, {
    ...(options.lengths === undefined ? {} : { lengths: options.lengths }),
    ...(options.state === undefined
      ? {}
      : { h0: options.state.h, ...(options.state.c === undefined ? {} : { c0: options.state.c }) }),
    ...(options.key === undefined ? {} : { key: options.key }),
  })
  const logits = add(matmul(r.output, p.head.weight, { transposeB: true }), p.head.bias)
  return { logits, state: r.c_n === undefined ? { h: r.h_n } : { h: r.h_n, c: r.c_n } }
}

/**
 * One position for a batch of streams: `ids` `(N)` → logits `(N, V)` and the next state.
 *
 * @category models
 * @since 0.1.0
 */
export const charLMStep = (
  c: CharLMConfig,
  p: CharLMParams,
  ids: Tensor,
  state?: CharLMState,
): { readonly logits: Tensor; readonly state: CharLMState } => {
  const { logits, state: next } = charLMForward(c, p, stack([ids], 1), state === undefined ? {} : { state })
  const [n = 0, , v = 0] = logits.shape
  return { logits: reshape(logits, [n, v]), state: next }
}
