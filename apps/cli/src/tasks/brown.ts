/**
 * The Brown text task: truncated backpropagation through time over one long stream of characters.
 * The training text is cut into `rows` contiguous streams read in windows of `bptt` characters;
 * the recurrent state at the end of a window is carried into the next (as a constant: the gradient
 * stops at the window's start) and starts from zeros every epoch.
 */
import { div, type Random, zeros } from '@recur/core'
import {
  type CharLMConfig,
  type CharLMParams,
  type CharLMState,
  charLMForward,
  directions,
  encode,
  outputSize,
  type StreamBatch,
  softmaxCrossEntropy,
  streamBatches,
  vocabFromChars,
  vocabOf,
} from '@recur/models'
import { baselines } from '../baselines.js'
import { loadBrown } from '../datasets/brown.js'
import type { Carried, Place, Task } from './task.js'

/** Zeros of the state of `rows` streams. */
const zeroState = (config: CharLMConfig, rows: number, place: Place): CharLMState => {
  const c = config.rnn
  const lead = directions(c) * c.numLayers
  const h = zeros([lead, rows, outputSize(c)], place)
  return c.mode === 'LSTM' ? { h, c: zeros([lead, rows, c.hiddenSize], place) } : { h }
}

/** Mean bits per character of a window from `carried`, and the state it ends in. */
const windowBits = (config: CharLMConfig, params: CharLMParams, b: StreamBatch, carried: Carried, key?: Random.Key) => {
  const { logits, state } = charLMForward(config, params, b.inputs, {
    ...(carried === null ? {} : { state: carried }),
    ...(key === undefined ? {} : { key }),
  })
  return [div(softmaxCrossEntropy(logits, b.targets), Math.LN2), state] as const
}

/** The Brown task (see the module header); `vocabChars` fixes the vocabulary (from a checkpoint). */
export const brownTask = (
  rows: number,
  bptt: number,
  maxChars: number,
  place: Place,
  vocabChars?: readonly string[],
): Task<StreamBatch> => {
  const { train, validation } = loadBrown(maxChars)
  const vocab = vocabChars === undefined ? vocabOf([train.text]) : vocabFromChars(vocabChars)
  const trainBatches = streamBatches(encode(vocab, train.text), rows, bptt, place)
  const valRows = 8
  const valBatches = streamBatches(encode(vocab, validation.text), valRows, 256, place)
  return {
    dataset: 'brown',
    vocab,
    baselines: baselines([train.text], [validation.text], false),
    summary: `Brown corpus: ${train.text.length.toLocaleString('en')} train characters (${train.files} files) / ${validation.text.length.toLocaleString('en')} validation (${validation.files} files); ${rows} streams, windows of ${bptt}`,
    batchesOf: () => trainBatches,
    tokens: (b) => b.tokens,
    initialCarried: (config) => zeroState(config, rows, place),
    loss: (config, params, b, carried, key) => windowBits(config, params, b, carried, key),
    evaluate: (config, params) => {
      let carried: Carried = zeroState(config, valRows, place)
      let bits = 0
      let tokens = 0
      for (const b of valBatches) {
        const [loss, next] = windowBits(config, params, b, carried)
        bits += loss.item() * b.tokens
        tokens += b.tokens
        carried = next
      }
      return bits / tokens
    },
    boundary: vocab.index.get('\n') ?? 1,
    sampleNoun: 'lines',
    sampleLength: 120,
  }
}
