/**
 * The pieces `train`, `sample` and `evaluate` share: the checkpoint metadata (decoded with io-ts),
 * the model config it describes, and the masked cross-entropy in bits per character.
 */
import { div, type Random, type Tensor } from '@recur/core'
import {
  type CharLMConfig,
  type CharLMParams,
  charLMConfig,
  charLMForward,
  type SequenceBatch,
  softmaxCrossEntropy,
  vocabFromChars,
  vocabSize,
} from '@recur/models'
import * as t from 'io-ts'

/**
 * What a checkpoint's metadata holds: the model, the data and optimizer settings, how far training
 * got (`epoch` = completed epochs; `stepInEpoch` > 0 for a checkpoint saved inside an epoch), the
 * seed and the data key — everything `recur train --resume` needs to continue exactly.
 */
export const MetaCodec = t.type({
  version: t.literal(2),
  model: t.type({
    cell: t.keyof({ RNN_TANH: null, RNN_RELU: null, LSTM: null, GRU: null }),
    embedSize: t.number,
    hiddenSize: t.number,
    numLayers: t.number,
    dropout: t.number,
    dtype: t.keyof({ float32: null, float64: null }),
    backend: t.keyof({ cpu: null, 'cpu-fast': null }),
  }),
  vocab: t.array(t.string),
  data: t.type({
    dataset: t.keyof({ names: null, brown: null }),
    batch: t.number,
    bptt: t.number,
    maxChars: t.number,
  }),
  optimizer: t.type({
    name: t.keyof({ adam: null, adamw: null, sgd: null, momentum: null, rmsprop: null }),
    lr: t.number,
    clip: t.number,
  }),
  step: t.number,
  epoch: t.number,
  stepInEpoch: t.number,
  key: t.tuple([t.number, t.number]),
  seed: t.number,
  valBpc: t.union([t.number, t.null]),
})

/** Checkpoint metadata. */
export type Meta = t.TypeOf<typeof MetaCodec>

/** The model config of a checkpoint's metadata. */
export const modelConfig = (meta: Meta): CharLMConfig =>
  charLMConfig(vocabSize(vocabFromChars(meta.vocab)), meta.model.embedSize, {
    mode: meta.model.cell,
    hiddenSize: meta.model.hiddenSize,
    numLayers: meta.model.numLayers,
    dropout: meta.model.dropout,
  })

/** Mean cross-entropy over the batch's real positions, in bits per character. */
export const batchBpc = (config: CharLMConfig, params: CharLMParams, batch: SequenceBatch, key?: Random.Key): Tensor => {
  const { logits } = charLMForward(config, params, batch.inputs, {
    lengths: batch.lengths,
    ...(key === undefined ? {} : { key }),
  })
  const nats = softmaxCrossEntropy(logits, batch.targets, { mask: batch.mask, reduction: 'mean' })
  return div(nats, Math.LN2)
}
