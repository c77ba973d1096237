/**
 * Count-based baselines for bits per character: a unigram and a bigram model estimated on the
 * training texts with add-one (Laplace) smoothing, evaluated on validation texts. Each text counts
 * its end symbol as a character, as the language model does.
 */
const END = '\u0000'

const symbols = (text: string, withEnd: boolean): string[] => (withEnd ? [...Array.from(text), END] : Array.from(text))

/**
 * Bits per character of the unigram and bigram models on `validation`; with `withEnd` (names) the
 * end of every text is a symbol to predict too, without it (a stream of text) it is not.
 */
export const baselines = (
  train: readonly string[],
  validation: readonly string[],
  withEnd = true,
): { readonly unigram: number; readonly bigram: number } => {
  const alphabet = new Set<string>([END])
  const uni = new Map<string, number>()
  const bi = new Map<string, number>()
  const ctx = new Map<string, number>()
  let total = 0
  for (const text of train) {
    let prev = END
    for (const s of symbols(text, withEnd)) {
      alphabet.add(s)
      uni.set(s, (uni.get(s) ?? 0) + 1)
      bi.set(prev + s, (bi.get(prev + s) ?? 0) + 1)
      ctx.set(prev, (ctx.get(prev) ?? 0) + 1)
      total++
      prev = s
    }
  }
  for (const text of validation) for (const s of symbols(text, withEnd)) alphabet.add(s)
  const V = alphabet.size
  let bitsU = 0
  let bitsB = 0
  let n = 0
  for (const text of validation) {
    let prev = END
    for (const s of symbols(text, withEnd)) {
      bitsU -= Math.log2(((uni.get(s) ?? 0) + 1) / (total + V))
      bitsB -= Math.log2(((bi.get(prev + s) ?? 0) + 1) / ((ctx.get(prev) ?? 0) + V))
      n++
      prev = s
    }
  }
  return { unigram: bitsU / n, bigram: bitsB / n }
}
