/**
 * The pieces `train`, `sample` and `evaluate` share: the checkpoint metadata (decoded with io-ts),
 * rebuilding a model from it, and the masked cross-entropy in bits per character.
 */
import { type Backend, div, mul, Random, type Tensor } from '@recur/core'
import {
  type CharLMConfig,
  type CharLMParams,
  charLMConfig,
  charLMForward,
  initCharLM,
  type SequenceBatch,
  softmaxCrossEntropy,
  type Vocab,
  vocabFromChars,
  vocabSize,
} from '@recur/models'
import * as t from 'io-ts'

/** What a checkpoint's metadata holds. */
export const MetaCodec = t.type({
  version: t.literal(1),
  model: t.type({
    cell: t.keyof({ RNN_TANH: null, RNN_RELU: null, LSTM: null, GRU: null }),
    embedSize: t.number,
    hiddenSize: t.number,
    numLayers: t.number,
    dtype: t.keyof({ float32: null, float64: null }),
  }),
  vocab: t.array(t.string),
  optimizer: t.type({ name: t.string, lr: t.number, clip: t.number }),
  step: t.number,
  epoch: t.number,
  key: t.tuple([t.number, t.number]),
  seed: t.number,
  valBpc: t.union([t.number, t.null]),
})

/** Checkpoint metadata. */
export type Meta = t.TypeOf<typeof MetaCodec>

/** The model of a checkpoint's metadata: config, vocabulary, and freshly initialised parameters of the right structure. */
export const modelOf = (
  meta: Meta,
  backend: Backend,
): { readonly config: CharLMConfig; readonly vocab: Vocab; readonly template: CharLMParams } => {
  const vocab = vocabFromChars(meta.vocab)
  const config = charLMConfig(vocabSize(vocab), meta.model.embedSize, {
    mode: meta.model.cell,
    hiddenSize: meta.model.hiddenSize,
    numLayers: meta.model.numLayers,
  })
  return { config, vocab, template: initCharLM(config, Random.key(0), { backend, dtype: meta.model.dtype }) }
}

/** Mean cross-entropy over the batch's real positions, in bits per character. */
export const batchBpc = (config: CharLMConfig, params: CharLMParams, batch: SequenceBatch, key?: Random.Key): Tensor => {
  const { logits } = charLMForward(config, params, batch.inputs, {
    lengths: batch.lengths,
    ...(key === undefined ? {} : { key }),
  })
  const nats = softmaxCrossEntropy(logits, batch.targets, { mask: batch.mask, reduction: 'mean' })
  return div(mul(nats, 1), Math.LN2)
}
