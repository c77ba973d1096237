/**
 * Sampling names from a character language model, one position at a time for all samples at once
 * (streaming inference): temperature, top-k, an optional prefix, and an explicit key.
 */
import { fromFlat, Random } from '@recur/core'
import {
  type CharLMConfig,
  type CharLMParams,
  type CharLMState,
  charLMStep,
  decode,
  END,
  encode,
  PAD,
  UNK,
  type Vocab,
} from '@recur/models'

/** Sampling options. */
export type SampleOptions = {
  readonly count: number
  readonly temperature: number
  /** Keep only the k most likely characters (0: all). */
  readonly topK: number
  readonly prefix: string
  readonly maxLength: number
  /** The symbol fed before the prefix (default END: names start after one). */
  readonly start?: number
  /** The symbol that ends a sample (default END; a newline for lines of text). */
  readonly end?: number
}

/** Draws an index from unnormalised log-probabilities with temperature and top-k; `end` only when `mayEnd`. */
const draw = (logits: readonly number[], temperature: number, topK: number, u: number, end: number, mayEnd: boolean): number => {
  const allowed = logits.map((l, i) =>
    i === PAD || i === UNK || (i === end && !mayEnd) ? Number.NEGATIVE_INFINITY : l / temperature,
  )
  const order = allowed.map((_, i) => i).sort((a, b) => (allowed[b] ?? 0) - (allowed[a] ?? 0))
  const keep = new Set(topK > 0 ? order.slice(0, topK) : order)
  const m = Math.max(...allowed)
  const weights = allowed.map((l, i) => (keep.has(i) ? Math.exp(l - m) : 0))
  const total = weights.reduce((a, b) => a + b, 0)
  let acc = 0
  for (const [i, w] of weights.entries()) {
    acc += w / total
    if (u < acc) return i
  }
  return order[0] ?? end
}

/** `options.count` samples, each starting with `options.prefix`. */
export const sampleTexts = (
  c: CharLMConfig,
  p: CharLMParams,
  vocab: Vocab,
  key: Random.Key,
  options: SampleOptions,
): string[] => {
  const n = options.count
  const end = options.end ?? END
  const place = { backend: p.embedding.backend, dtype: p.embedding.dtype }
  const prefix = encode(vocab, options.prefix)
  const out: number[][] = Array.from({ length: n }, () => [...prefix])
  const done = new Array<boolean>(n).fill(false)
  let state: CharLMState | undefined
  let ids = [options.start ?? END, ...prefix]
  // feed END and the prefix, then sample
  let logits: number[][] = []
  for (const id of ids) {
    const r = charLMStep(c, p, fromFlat(new Array<number>(n).fill(id), [n], place), state)
    state = r.state
    const flat = r.logits.toFlat()
    logits = Array.from({ length: n }, (_, i) => flat.slice(i * c.vocabSize, (i + 1) * c.vocabSize))
  }
  const keys = Random.split(key, options.maxLength)
  for (let t = 0; t < options.maxLength && done.some((d) => !d); t++) {
    const us = Random.uniform(keys[t] as Random.Key, [n], { ...place, dtype: 'float64' }).toFlat()
    // a name has at least one character: the end symbol may not come first
    ids = logits.map((row, i) =>
      done[i] === true ? end : draw(row, options.temperature, options.topK, us[i] ?? 0, end, (out[i]?.length ?? 0) > 0),
    )
    ids.forEach((id, i) => {
      if (done[i] === true) return
      if (id === end) done[i] = true
      else out[i]?.push(id)
    })
    const r = charLMStep(c, p, fromFlat(ids, [n], place), state)
    state = r.state
    const flat = r.logits.toFlat()
    logits = Array.from({ length: n }, (_, i) => flat.slice(i * c.vocabSize, (i + 1) * c.vocabSize))
  }
  return out.map((ids2) => decode(vocab, ids2))
}
