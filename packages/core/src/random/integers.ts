/**
 * Integer samplers: {@link randint} and {@link permutation}, both built on unbiased integer draws
 * from the stream of a key by rejection.
 *
 * @since 0.1.0
 */
import { shapeError } from '../ShapeError.js'
import { describe, requireCount, TWO_32, TWO_53 } from './args.js'
import { type Key, requireKey, stream } from './Key.js'

/** An unbiased integer in [0, m) for 1 ≤ m ≤ 2^53, by rejection. */
const below = (next: () => number, m: number): number => {
  if (m <= TWO_32) {
    const limit = TWO_32 - (TWO_32 % m)
    for (;;) {
      const w = next()
      if (w < limit) return w % m
    }
  }
  const limit = TWO_53 - (TWO_53 % m)
  for (;;) {
    const r = (next() >>> 11) * TWO_32 + next()
    if (r < limit) return r % m
  }
}

/**
 * `n` integers drawn uniformly from `[low, high)`. `low` and `high` are safe integers with
 * `low < high` and `high − low ≤ 2^53`. Unbiased: a range of at most 2^32 draws one word per try,
 * a larger one 53 bits (two words); tries that would favour some values are rejected and redrawn.
 *
 * @example
 * randint(k, 0, 10, 5) // e.g. [3, 9, 0, 3, 7]
 *
 * @category samplers
 * @since 0.1.0
 */
export const randint = (k: Key, low: number, high: number, n: number): readonly number[] => {
  const words = requireKey('randint', k)
  for (const [arg, x] of [
    ['low', low],
    ['high', high],
  ] as const) {
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) {
      throw shapeError('randint', arg, `${arg} must be a safe integer, got ${describe(x)}`)
    }
  }
  if (!(low < high)) throw shapeError('randint', 'high', `high ${high} must be greater than low ${low}`)
  // Exact: in doubles, high − low can round down to 2^53 when the true width is 2^53 + 1.
  if (BigInt(high) - BigInt(low) > 9007199254740992n)
    throw shapeError('randint', 'high', `high − low must be at most 2^53, got [${low}, ${high})`)
  const m = high - low
  const count = requireCount('randint', 'n', n, 0, Number.MAX_SAFE_INTEGER)
  const next = stream('randint', words)
  const out: number[] = []
  for (let i = 0; i < count; i++) out.push(low + below(next, m))
  return Object.freeze(out)
}

/**
 * A uniformly random permutation of `0 … n − 1` (`0 ≤ n < 2^32`): a Fisher–Yates shuffle, from the
 * last position down, whose swap indices are unbiased draws as in {@link randint}.
 *
 * @example
 * permutation(k, 5) // e.g. [3, 0, 4, 1, 2]
 *
 * @category samplers
 * @since 0.1.0
 */
export const permutation = (k: Key, n: number): readonly number[] => {
  const words = requireKey('permutation', k)
  const count = requireCount('permutation', 'n', n, 0, TWO_32 - 1)
  const next = stream('permutation', words)
  const out = Array.from({ length: count }, (_, i) => i)
  for (let i = count - 1; i > 0; i--) {
    const j = below(next, i + 1)
    const t = out[i] ?? i
    out[i] = out[j] ?? j
    out[j] = t
  }
  return Object.freeze(out)
}
