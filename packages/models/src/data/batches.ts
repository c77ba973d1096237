/**
 * Sequence batches for language models: each text becomes input ids `[END, c₁, …, cₙ]` and targets
 * `[c₁, …, cₙ, END]` (so the end symbol counts as a character, as bits-per-character needs), padded to
 * the longest in the batch, with per-sequence `lengths` and a 0/1 mask. Shuffling takes an explicit
 * key.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, fromFlat, Random, type Tensor } from '@recur/core'
import { END, encode, PAD, type Vocab } from './vocab.js'

/**
 * A padded batch. Shapes: `inputs`, `targets`, `mask` `(N, L)`; `lengths` has N entries.
 *
 * @category model
 * @since 0.1.0
 */
export type SequenceBatch = {
  /** `(N, L)` input ids (float, integer-valued), padded with `PAD`. */
  readonly inputs: Tensor
  /** `(N, L)` target ids, padded with `PAD`. */
  readonly targets: Tensor
  /** `(N, L)` 1 on real positions, 0 on padding. */
  readonly mask: Tensor
  /** Valid length of each sequence (the text length + 1 for the end symbol). */
  readonly lengths: readonly number[]
  /** Number of real target positions (Σ lengths). */
  readonly tokens: number
}

/**
 * Where batch tensors live.
 *
 * @category model
 * @since 0.1.0
 */
export type BatchPlace = { readonly backend: Backend; readonly dtype?: DType }

/**
 * One padded batch of `texts`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const batchOf = (vocab: Vocab, texts: readonly string[], place: BatchPlace): SequenceBatch => {
  const seqs = texts.map((t) => encode(vocab, t))
  const lengths = seqs.map((s) => s.length + 1)
  const L = Math.max(1, ...lengths)
  const N = texts.length
  const inputs = new Array<number>(N * L).fill(PAD)
  const targets = new Array<number>(N * L).fill(PAD)
  const mask = new Array<number>(N * L).fill(0)
  seqs.forEach((s, n) => {
    const ids = [END, ...s]
    const next = [...s, END]
    for (let t = 0; t < ids.length; t++) {
      inputs[n * L + t] = ids[t] ?? PAD
      targets[n * L + t] = next[t] ?? PAD
      mask[n * L + t] = 1
    }
  })
  const opts = { backend: place.backend, dtype: place.dtype ?? 'float32' }
  return {
    inputs: fromFlat(inputs, [N, L], opts),
    targets: fromFlat(targets, [N, L], opts),
    mask: fromFlat(mask, [N, L], opts),
    lengths,
    tokens: lengths.reduce((a, b) => a + b, 0),
  }
}

/**
 * The texts split into batches of `size` (the last may be smaller), in a random order drawn from
 * `key` — or in the given order without a key.
 *
 * @category combinators
 * @since 0.1.0
 */
export const batches = (
  vocab: Vocab,
  texts: readonly string[],
  size: number,
  place: BatchPlace,
  key?: Random.Key,
): SequenceBatch[] => {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batches: size must be a positive integer, got ${size}`)
  const order = key === undefined ? texts.map((_, i) => i) : Random.permutation(key, texts.length)
  const out: SequenceBatch[] = []
  for (let i = 0; i < order.length; i += size) {
    out.push(
      batchOf(
        vocab,
        order.slice(i, i + size).map((j) => texts[j] ?? ''),
        place,
      ),
    )
  }
  return out
}

/**
 * The fixed split used to compare with other libraries: index i goes to validation when
 * i % every == 0 (after the caller's canonical ordering).
 *
 * @category combinators
 * @since 0.1.0
 */
export const splitEvery = <A>(items: readonly A[], every = 10): { readonly train: A[]; readonly validation: A[] } => ({
  train: items.filter((_, i) => i % every !== 0),
  validation: items.filter((_, i) => i % every === 0),
})
