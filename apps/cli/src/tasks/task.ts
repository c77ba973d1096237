/**
 * A training task: a data set cut into batches for each epoch, the loss in bits per character,
 * a validation measure, and the recurrent state carried from one batch to the next (none for
 * independent names; the stream state for truncated BPTT over long text).
 */
import { type Backend, type DType, Random, type Tensor } from '@recur/core'
import type { CharLMConfig, CharLMParams, CharLMState, Vocab } from '@recur/models'
import type { Meta } from '../model.js'

/** What is carried between batches: nothing, or the recurrent state of the streams. */
export type Carried = CharLMState | null

/** Where the tensors live. */
export type Place = { readonly backend: Backend; readonly dtype: DType }

/** A task over batches of type `B`. */
export type Task<B> = {
  readonly dataset: Meta['data']['dataset']
  readonly vocab: Vocab
  /** Bits per character of the unigram and bigram models on the validation data. */
  readonly baselines: { readonly unigram: number; readonly bigram: number }
  /** One line about the data, for the start of a run. */
  readonly summary: string
  /** The batches of epoch `epoch` (1-based), the same on every call. */
  readonly batchesOf: (epoch: number) => readonly B[]
  /** Target positions in a batch. */
  readonly tokens: (batch: B) => number
  /** The state a new epoch starts from. */
  readonly initialCarried: (config: CharLMConfig) => Carried
  /** Mean cross-entropy of a batch in bits per character, and the state it ends in. */
  readonly loss: (
    config: CharLMConfig,
    params: CharLMParams,
    batch: B,
    carried: Carried,
    key: Random.Key | undefined,
  ) => readonly [Tensor, Carried]
  /** Validation bits per character. */
  readonly evaluate: (config: CharLMConfig, params: CharLMParams) => number
  /** The symbol that starts and ends a sample (END for names, a newline for text). */
  readonly boundary: number
  /** What a sample is called in messages ("names", "lines"). */
  readonly sampleNoun: string
  readonly sampleLength: number
}

/** The key of epoch `epoch`'s shuffle: depends on the data key and the epoch only. */
export const epochKey = (dataKey: Random.Key, epoch: number): Random.Key => Random.foldIn(dataKey, epoch)
