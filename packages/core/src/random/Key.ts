/**
 * Keys and the counter layout. A {@link Key} is a pair of 32-bit words; under it Threefry encrypts a
 * 64-bit counter `[domain, index]`, and three domains keep the uses of a key apart:
 *
 * - domain 0 is the key's *stream*: block `index` gives words `2·index` and `2·index + 1`.
 *   {@link bits} returns its first words, and every sampler reads it from the start.
 * - domain 1 makes children: `split(k, n)[i]` is the block of counter `[1, i]`.
 * - domain 2 folds data in: `foldIn(k, d)` is the block of counter `[2, d]`.
 *
 * @since 0.1.0
 */
import { shapeError } from '../ShapeError.js'
import { describe, isUint32, requireCount, TWO_32 } from './args.js'
import { encrypt } from './threefry.js'

// ---------------------------------------------------------------------------------------------
// model
// ---------------------------------------------------------------------------------------------

/**
 * A PRNG key: two unsigned 32-bit words, frozen. Make one with {@link key}; derive more with
 * {@link split} and {@link foldIn}.
 *
 * @category model
 * @since 0.1.0
 */
export interface Key {
  readonly words: readonly [number, number]
}

const make = (w0: number, w1: number): Key => Object.freeze({ words: Object.freeze([w0 >>> 0, w1 >>> 0] as const) })

/**
 * `true` when `value` is a key: an object whose `words` are two unsigned 32-bit integers.
 *
 * @category refinements
 * @since 0.1.0
 */
export const isKey = (value: unknown): value is Key => {
  if (typeof value !== 'object' || value === null || !('words' in value)) return false
  const words: unknown = value.words
  return Array.isArray(words) && words.length === 2 && isUint32(words[0]) && isUint32(words[1])
}

/** The words of `k`; throws unless `k` is a key. */
export const requireKey = (op: string, k: unknown): readonly [number, number] => {
  if (!isKey(k)) throw shapeError(op, 'key', `expected a key made by Random.key, split or foldIn, got ${describe(k)}`)
  return k.words
}

// Counter domains: the first word of the counter that Threefry encrypts.
const STREAM = 0
const SPLIT = 1
const FOLD = 2

// ---------------------------------------------------------------------------------------------
// keys
// ---------------------------------------------------------------------------------------------

/**
 * The key of an integer seed in `[0, 2^53)`: words `[floor(seed / 2^32), seed mod 2^32]`, the
 * layout of JAX's `PRNGKey`.
 *
 * @example
 * key(42).words // [0, 42]
 *
 * @category constructors
 * @since 0.1.0
 */
export const key = (seed: number): Key => {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw shapeError('key', 'seed', `seed must be an integer from 0 to 2^53 − 1, got ${describe(seed)}`)
  }
  return make(Math.floor(seed / TWO_32), seed % TWO_32)
}

/**
 * `n` new keys (default 2) derived from `k`: key `i` is the Threefry block of counter `[1, i]`
 * under `k`. The children differ from each other, from {@link foldIn} results and from the stream of
 * `k`; `split(k, n)` is a prefix of `split(k, m)` for `n ≤ m`.
 *
 * @example
 * const [init, dropout] = split(key(0))
 *
 * @category combinators
 * @since 0.1.0
 */
export const split = (k: Key, n = 2): readonly Key[] => {
  const [k0, k1] = requireKey('split', k)
  const count = requireCount('split', 'n', n, 1, TWO_32)
  const out = new Uint32Array(2)
  const keys: Key[] = []
  for (let i = 0; i < count; i++) {
    encrypt(k0, k1, SPLIT, i, out)
    keys.push(make(out[0] ?? 0, out[1] ?? 0))
  }
  return Object.freeze(keys)
}

/**
 * A new key that mixes the unsigned 32-bit integer `data` (a step or layer number, say) into `k`:
 * the Threefry block of counter `[2, data]` under `k`. Different `data` give different keys, and
 * none equals a child of {@link split} or a block of the stream of `k`.
 *
 * @example
 * const stepKey = foldIn(k, step)
 *
 * @category combinators
 * @since 0.1.0
 */
export const foldIn = (k: Key, data: number): Key => {
  const [k0, k1] = requireKey('foldIn', k)
  if (!isUint32(data)) {
    throw shapeError('foldIn', 'data', `data must be an integer from 0 to 2^32 − 1, got ${describe(data)}`)
  }
  const out = new Uint32Array(2)
  encrypt(k0, k1, FOLD, data, out)
  return make(out[0] ?? 0, out[1] ?? 0)
}

// ---------------------------------------------------------------------------------------------
// the stream
// ---------------------------------------------------------------------------------------------

/** The key's stream (domain 0) as a function returning the next word on each call. */
export const stream = (op: string, [k0, k1]: readonly [number, number]): (() => number) => {
  const block = new Uint32Array(2)
  let index = 0
  let used = 2
  return () => {
    if (used === 2) {
      if (index >= TWO_32) throw shapeError(op, 'key', 'the stream of one key is limited to 2^33 words; split the key')
      encrypt(k0, k1, STREAM, index, block)
      index++
      used = 0
    }
    return block[used++] ?? 0
  }
}

/**
 * The first `n` words of the stream of `k`, as a fresh `Uint32Array`.
 *
 * @category samplers
 * @since 0.1.0
 */
export const bits = (k: Key, n: number): Uint32Array => {
  const words = requireKey('bits', k)
  const count = requireCount('bits', 'n', n, 0, 2 * TWO_32)
  const next = stream('bits', words)
  const out = new Uint32Array(count)
  for (let i = 0; i < count; i++) out[i] = next()
  return out
}
