/**
 * Text tagged word by word in the Brown corpus's format: sentences separated by line breaks, each
 * token `word/tag` (the tag after the last `/`, e.g. `The/at`, `Atlanta's/np$`, `1/2/cd`), tokens
 * separated by spaces or tabs. Parsing keeps the tags (for tagging tasks) and gives the plain
 * text with the tags stripped (for language modelling).
 *
 * @since 0.1.0
 */

/**
 * One sentence: its words and their tags, position by position.
 *
 * @category model
 * @since 0.1.0
 */
export type TaggedSentence = {
  readonly words: readonly string[]
  readonly tags: readonly string[]
}

/**
 * The sentences of a tagged text, one per non-blank line. A token without a `/`, or with an empty
 * word or tag, is an error that names its line and the token.
 *
 * @category data
 * @since 0.1.0
 */
export const parseTagged = (text: string, source = 'text'): TaggedSentence[] => {
  const out: TaggedSentence[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    const tokens = line.split(/[ \t]+/).filter((t) => t !== '')
    if (tokens.length === 0) return
    const words: string[] = []
    const tags: string[] = []
    for (const token of tokens) {
      const at = token.lastIndexOf('/')
      if (at <= 0 || at === token.length - 1) throw new SyntaxError(`${source}:${i + 1}: token '${token}' is not word/tag`)
      words.push(token.slice(0, at))
      tags.push(token.slice(at + 1))
    }
    out.push({ words, tags })
  })
  return out
}

/**
 * The plain text of a sentence: words joined by spaces, with the corpus's quote tokens `` and ''
 * written as `"`.
 *
 * @category data
 * @since 0.1.0
 */
export const untagged = (s: TaggedSentence): string => s.words.map((w) => (w === '``' || w === "''" ? '"' : w)).join(' ')
