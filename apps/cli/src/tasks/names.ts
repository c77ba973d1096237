/**
 * The names task: each name is a sequence of its own (END, characters…, END), batches of padded
 * names shuffled anew every epoch; nothing is carried between batches.
 */
import type { Random } from '@recur/core'
import { batches, type CharLMConfig, type CharLMParams, END, type SequenceBatch, vocabFromChars, vocabOf } from '@recur/models'
import { baselines } from '../baselines.js'
import { loadNames } from '../datasets/names.js'
import { batchBpc } from '../model.js'
import { epochKey, type Place, type Task } from './task.js'

/** Bits per character over all real positions of `data`. */
export const evaluateBpc = (config: CharLMConfig, params: CharLMParams, data: readonly SequenceBatch[]): number => {
  let bits = 0
  let tokens = 0
  for (const b of data) {
    bits += batchBpc(config, params, b).item() * b.tokens
    tokens += b.tokens
  }
  return bits / tokens
}

/** The names task with `batch` names per batch; `vocabChars` fixes the vocabulary (from a checkpoint). */
export const namesTask = (
  batch: number,
  dataKey: Random.Key,
  place: Place,
  vocabChars?: readonly string[],
): Task<SequenceBatch> => {
  const { train, validation } = loadNames()
  const vocab = vocabChars === undefined ? vocabOf([...train, ...validation]) : vocabFromChars(vocabChars)
  const valBatches = batches(vocab, validation, 256, place)
  return {
    dataset: 'names',
    vocab,
    baselines: baselines(train, validation),
    summary: `${train.length} train / ${validation.length} validation names`,
    batchesOf: (epoch) => batches(vocab, train, batch, place, epochKey(dataKey, epoch)),
    tokens: (b) => b.tokens,
    initialCarried: () => null,
    loss: (config, params, b, _carried, key) => [batchBpc(config, params, b, key), null],
    evaluate: (config, params) => evaluateBpc(config, params, valBatches),
    boundary: END,
    sampleNoun: 'names',
    sampleLength: 20,
  }
}
