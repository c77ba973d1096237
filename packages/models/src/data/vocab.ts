/**
 * Character vocabularies: text ↔ integer ids, with reserved ids for padding, unknown characters and
 * the end of a sequence. The vocabulary is plain data (a list of characters), so it is saved in
 * checkpoints and rebuilt exactly.
 *
 * @since 0.1.0
 */

/**
 * A character vocabulary. Ids: 0 = padding, 1 = unknown, 2 = end (also used as the start symbol
 * of a name), then one id per character in `chars` order.
 *
 * @category model
 * @since 0.1.0
 */
export type Vocab = {
  readonly chars: readonly string[]
  readonly index: ReadonlyMap<string, number>
}

/** @category constants @since 0.1.0 */
export const PAD = 0
/** @category constants @since 0.1.0 */
export const UNK = 1
/** @category constants @since 0.1.0 */
export const END = 2
const RESERVED = 3

/**
 * The vocabulary of every character in `texts`, sorted by code point.
 *
 * @category constructors
 * @since 0.1.0
 */
export const vocabOf = (texts: Iterable<string>): Vocab => {
  const set = new Set<string>()
  for (const t of texts) for (const ch of t) set.add(ch)
  return vocabFromChars([...set].sort())
}

/**
 * A vocabulary from its character list (as saved in a checkpoint). Characters must be distinct.
 *
 * @category constructors
 * @since 0.1.0
 */
export const vocabFromChars = (chars: readonly string[]): Vocab => {
  const index = new Map(chars.map((c, i) => [c, i + RESERVED] as const))
  if (index.size !== chars.length) throw new TypeError('vocab: characters must be distinct')
  return { chars: [...chars], index }
}

/**
 * The number of ids, reserved ones included.
 *
 * @category accessors
 * @since 0.1.0
 */
export const vocabSize = (v: Vocab): number => v.chars.length + RESERVED

/**
 * Ids of the characters of `text` (unknown characters map to `UNK`).
 *
 * @category encoding
 * @since 0.1.0
 */
export const encode = (v: Vocab, text: string): number[] => Array.from(text, (ch) => v.index.get(ch) ?? UNK)

/**
 * The text of ids, stopping at the first `END`; padding is skipped and unknown ids become `�`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const decode = (v: Vocab, ids: readonly number[]): string => {
  let out = ''
  for (const id of ids) {
    if (id === END) break
    if (id === PAD) continue
    out += id >= RESERVED ? (v.chars[id - RESERVED] ?? '�') : '�'
  }
  return out
}
