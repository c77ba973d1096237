/**
 * Explicit, counter-based pseudo-random numbers in the JAX style: there is no hidden global
 * generator. Randomness comes from a {@link Key}, a pair of 32-bit words; every sampler is a pure
 * function of its key and arguments, and new keys are made with {@link split} and {@link foldIn}.
 * The numbers are generated in plain JavaScript and then handed to a tensor constructor, so they
 * are the same on every backend.
 *
 * The block function is Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011 — the Random123 and JAX construction). Under a key it encrypts a 64-bit
 * counter `[domain, index]`; three domains keep the uses of a key apart:
 *
 * - domain 0 is the key's *stream*: block `index` gives words `2·index` and `2·index + 1`.
 *   {@link bits} returns its first words, and every sampler reads it from the start.
 * - domain 1 makes children: `split(k, n)[i]` is the block of counter `[1, i]`.
 * - domain 2 folds data in: `foldIn(k, d)` is the block of counter `[2, d]`.
 *
 * Laws:
 * - Determinism: every function returns equal results for equal arguments.
 * - Prefixes: `bits(k, n)` is a prefix of `bits(k, m)` for `n ≤ m`; likewise `uniform`, `normal`
 *   and `bernoulli` of shape `[n]` are prefixes of shape `[m]` (same options), and
 *   `randint(k, lo, hi, n)` of `randint(k, lo, hi, m)`.
 * - Separation: for a fixed key, Threefry is a bijection on counters, so the 64-bit blocks behind
 *   `split(k, n)` (all distinct), every `foldIn(k, d)` and the stream of `k` never coincide.
 *   `split(k, n)` is a prefix of `split(k, m)` for `n ≤ m`.
 * - Ranges: `uniform` lies in `[min, max)` after rounding to the dtype (a value that would round up
 *   to `max` is clamped to the largest value below it); `bernoulli` is 0 or 1; `randint` lies in
 *   `[low, high)`; `permutation(k, n)` holds each of `0 … n − 1` once.
 *
 * Discipline, as in JAX: a key is used once. Two samplers given the same key read the same stream
 * and are therefore correlated; split the key first.
 *
 * @since 0.1.0
 */
import type { Backend } from './Backend.js'
import { fromTypedArray, type TensorOptions } from './create.js'
import { type DType, isDType } from './DType.js'
import { check, orThrow, type Shape, size } from './Shape.js'
import { shapeError } from './ShapeError.js'
import type { Tensor } from './Tensor.js'

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

const TWO_32 = 4294967296
const TWO_53 = 9007199254740992

const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < TWO_32

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

const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object without two uint32 words'
  return typeof value === 'number' ? String(value) : `a ${typeof value}`
}

const requireKey = (op: string, k: unknown): readonly [number, number] => {
  if (!isKey(k)) throw shapeError(op, 'key', `expected a key made by Random.key, split or foldIn, got ${describe(k)}`)
  return k.words
}

const requireCount = (op: string, arg: string, n: unknown, min: number, max: number): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw shapeError(op, arg, `${arg} must be an integer from ${min} to ${max}, got ${describe(n)}`)
  }
  return n
}

const requireFinite = (op: string, arg: string, x: unknown): number => {
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw shapeError(op, arg, `${arg} must be a finite number, got ${describe(x)}`)
  return x
}

const requireDType = (op: string, options: TensorOptions | undefined): DType => {
  const dtype = options?.dtype ?? 'float32'
  if (!isDType(dtype)) {
    throw shapeError(op, 'options.dtype', `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`)
  }
  return dtype
}

const requireShape = (op: string, shape: readonly number[]): Shape => orThrow(check(op, 'shape', shape))

const backendOf = (options: TensorOptions | undefined): { readonly backend?: Backend } =>
  options?.backend === undefined ? {} : { backend: options.backend }

// ---------------------------------------------------------------------------------------------
// Threefry-2x32
// ---------------------------------------------------------------------------------------------

const PARITY = 0x1bd11bda

/** One Threefry-2x32-20 block; writes the two output words to `out`. No validation. */
const encrypt = (k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void => {
  const k2 = (PARITY ^ k0 ^ k1) >>> 0
  let x0 = (c0 + k0) >>> 0
  let x1 = (c1 + k1) >>> 0
  // Five groups of four rounds; rotations alternate [13, 15, 26, 6] and [17, 29, 16, 24], and after
  // group g (1-based) the key schedule word g mod 3 is added to x0 and word (g + 1) mod 3 plus g to x1.
  // group 1
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0
  x0 = (x0 + k1) >>> 0
  x1 = (x1 + k2 + 1) >>> 0
  // group 2
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0
  x0 = (x0 + k2) >>> 0
  x1 = (x1 + k0 + 2) >>> 0
  // group 3
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0
  x0 = (x0 + k0) >>> 0
  x1 = (x1 + k1 + 3) >>> 0
  // group 4
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 17) | (x1 >>> 15)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 29) | (x1 >>> 3)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 16) | (x1 >>> 16)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 24) | (x1 >>> 8)) ^ x0
  x0 = (x0 + k1) >>> 0
  x1 = (x1 + k2 + 4) >>> 0
  // group 5
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 13) | (x1 >>> 19)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 15) | (x1 >>> 17)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 26) | (x1 >>> 6)) ^ x0
  x0 = (x0 + x1) >>> 0
  x1 = ((x1 << 6) | (x1 >>> 26)) ^ x0
  x0 = (x0 + k2) >>> 0
  x1 = (x1 + k0 + 5) >>> 0
  out[0] = x0
  out[1] = x1
}

/**
 * The Threefry-2x32 block function with 20 rounds: encrypts the 64-bit `counter` under the 64-bit
 * `key`, both given as two unsigned 32-bit words, and returns two unsigned 32-bit words. Matches
 * Random123's `threefry2x32` and JAX's `threefry_2x32` (key first, then counter).
 *
 * @example
 * threefry2x32([0, 0], [0, 0]) // [0x6b200159, 0x99ba4efe]
 *
 * @category primitives
 * @since 0.1.0
 */
export const threefry2x32 = (key: readonly [number, number], counter: readonly [number, number]): [number, number] => {
  for (const [arg, pair] of [
    ['key', key],
    ['counter', counter],
  ] as const) {
    if (!Array.isArray(pair) || pair.length !== 2 || !isUint32(pair[0]) || !isUint32(pair[1])) {
      throw shapeError('threefry2x32', arg, `${arg} must be two unsigned 32-bit integers, got ${describe(pair)}`)
    }
  }
  const out = new Uint32Array(2)
  encrypt(key[0], key[1], counter[0], counter[1], out)
  return [out[0] ?? 0, out[1] ?? 0]
}

const STREAM = 0
const SPLIT = 1
const FOLD = 2

/** The key's stream (domain 0) as a function returning the next word on each call. */
const stream = (op: string, [k0, k1]: readonly [number, number]): (() => number) => {
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
// samplers
// ---------------------------------------------------------------------------------------------

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

const F32 = new DataView(new ArrayBuffer(8))

/** The float32 just below `f` (a float32 or ±Infinity). */
const nextDown32 = (f: number): number => {
  if (f === 0) return -1.401298464324817e-45
  F32.setFloat32(0, f)
  const b = F32.getUint32(0)
  F32.setUint32(0, f > 0 ? b - 1 : b + 1)
  return F32.getFloat32(0)
}

/** The double just below the finite `x`. */
const nextDown64 = (x: number): number => {
  if (x === 0) return -Number.MIN_VALUE
  F32.setFloat64(0, x)
  const hi = F32.getUint32(0)
  const lo = F32.getUint32(4)
  if (x > 0) {
    F32.setUint32(0, lo === 0 ? hi - 1 : hi)
    F32.setUint32(4, lo === 0 ? 0xffffffff : lo - 1)
  } else {
    F32.setUint32(0, lo === 0xffffffff ? hi + 1 : hi)
    F32.setUint32(4, lo === 0xffffffff ? 0 : lo + 1)
  }
  return F32.getFloat64(0)
}

/** The largest float32 strictly below `x`. */
const float32Below = (x: number): number => {
  const f = Math.fround(x)
  return f < x ? f : nextDown32(f)
}

/** The smallest float32 at or above `x`. */
const float32AtLeast = (x: number): number => {
  const f = Math.fround(x)
  return f >= x ? f : -nextDown32(-f)
}

/** A 53-bit uniform in [0, 1) from two words. */
const unit53 = (next: () => number): number => ((next() >>> 5) * 67108864 + (next() >>> 6)) / TWO_53

const build = (values: Float32Array | Float64Array, shape: Shape, options: TensorOptions | undefined): Tensor =>
  fromTypedArray(values, shape, backendOf(options))

/**
 * A tensor of `shape` with elements drawn uniformly from `[min, max)` (default `[0, 1)`), of
 * `options.dtype` (default float32).
 *
 * float32 elements use 24 random bits (one word each): `u = (w >>> 8) / 2^24`. float64 elements use
 * 53 bits (two words each): `u = ((w0 >>> 5)·2^26 + (w1 >>> 6)) / 2^53`. The element is
 * `min + (max − min)·u` rounded to the dtype; a value that rounds to `max` or beyond, or below
 * `min`, is clamped to the nearest value of the dtype inside `[min, max)`. `min` and `max` must be
 * finite with `min < max`, `max − min` finite, and some value of the dtype in between.
 *
 * @example
 * uniform(k, [2, 3], { min: -1, max: 1, backend: cpu }) // shape [2, 3], float32
 *
 * @category samplers
 * @since 0.1.0
 */
export const uniform = (
  k: Key,
  shape: readonly number[],
  options?: TensorOptions & { readonly min?: number; readonly max?: number },
): Tensor => {
  const words = requireKey('uniform', k)
  const s = requireShape('uniform', shape)
  const dtype = requireDType('uniform', options)
  const min = requireFinite('uniform', 'options.min', options?.min ?? 0)
  const max = requireFinite('uniform', 'options.max', options?.max ?? 1)
  if (!(min < max)) throw shapeError('uniform', 'options.max', `max ${max} must be greater than min ${min}`)
  const span = max - min
  if (!Number.isFinite(span)) throw shapeError('uniform', 'options.max', `max − min overflows for [${min}, ${max})`)
  const next = stream('uniform', words)
  const n = size(s)
  if (dtype === 'float32') {
    const lo = float32AtLeast(min)
    const hi = float32Below(max)
    if (!(lo <= hi)) throw shapeError('uniform', 'options.max', `no float32 value lies in [${min}, ${max})`)
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      const v = Math.fround(min + span * ((next() >>> 8) / 16777216))
      out[i] = v < lo ? lo : v > hi ? hi : v
    }
    return build(out, s, options)
  }
  const hi = nextDown64(max)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = min + span * unit53(next)
    out[i] = v > hi ? hi : v
  }
  return build(out, s, options)
}

// Wichura's AS241 (PPND16) coefficients, rounded to double.
const A = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087,
  33430.57558358813, 2509.0809287301227,
] as const
const B = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943,
  5226.495278852854,
] as const
const C = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
] as const
const D = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345,
  1.0507500716444169e-9,
] as const
const E = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784,
  0.000027115555687434876, 2.0103343992922881e-7,
] as const
const F = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548,
  1.421511758316446e-7, 2.0442631033899397e-15,
] as const

type Poly = readonly [number, number, number, number, number, number, number, number]

const horner = (c: Poly, x: number): number =>
  ((((((c[7] * x + c[6]) * x + c[5]) * x + c[4]) * x + c[3]) * x + c[2]) * x + c[1]) * x + c[0]

/**
 * The inverse of the standard normal CDF, Φ⁻¹(p), by Wichura's algorithm AS241 (PPND16, relative
 * error about 1e-16). `normalQuantile(0) = −∞`, `normalQuantile(1) = ∞`; NaN outside `[0, 1]`.
 *
 * @example
 * normalQuantile(0.975) // 1.959963984540054
 *
 * @category utils
 * @since 0.1.0
 */
export const normalQuantile = (p: number): number => {
  if (!(p >= 0 && p <= 1)) return Number.NaN
  const q = p - 0.5
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q
    return (q * horner(A, r)) / horner(B, r)
  }
  const tail = q < 0 ? p : 1 - p
  if (tail === 0) return q < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  let r = Math.sqrt(-Math.log(tail))
  let z: number
  if (r <= 5) {
    r -= 1.6
    z = horner(C, r) / horner(D, r)
  } else {
    r -= 5
    z = horner(E, r) / horner(F, r)
  }
  return q < 0 ? -z : z
}

/**
 * A tensor of `shape` with elements drawn from the normal distribution with `mean` (default 0) and
 * standard deviation `std` (default 1, must be ≥ 0), of `options.dtype` (default float32).
 *
 * Method: inverse CDF. Each element is `mean + std·Φ⁻¹(u)` ({@link normalQuantile}) with `u`
 * strictly inside (0, 1), so there is no log(0): float32 elements take one word each,
 * `u = (w + 0.5) / 2^32` (|z| ≤ 6.3); float64 elements take two,
 * `u = ((w0 >>> 6)·2^26 + (w1 >>> 6) + 0.5) / 2^52` (|z| ≤ 8.3). One `u` per element keeps the
 * prefix law exact.
 *
 * @example
 * normal(k, [3, 4], { std: 0.1, backend: cpu }) // shape [3, 4], float32
 *
 * @category samplers
 * @since 0.1.0
 */
export const normal = (
  k: Key,
  shape: readonly number[],
  options?: TensorOptions & { readonly mean?: number; readonly std?: number },
): Tensor => {
  const words = requireKey('normal', k)
  const s = requireShape('normal', shape)
  const dtype = requireDType('normal', options)
  const mean = requireFinite('normal', 'options.mean', options?.mean ?? 0)
  const std = requireFinite('normal', 'options.std', options?.std ?? 1)
  if (std < 0) throw shapeError('normal', 'options.std', `std must be at least 0, got ${std}`)
  const next = stream('normal', words)
  const n = size(s)
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++) out[i] = mean + std * normalQuantile((next() + 0.5) / TWO_32)
  } else {
    for (let i = 0; i < n; i++) {
      out[i] = mean + std * normalQuantile(((next() >>> 6) * 67108864 + (next() >>> 6) + 0.5) / 4503599627370496)
    }
  }
  return build(out, s, options)
}

/**
 * A tensor of `shape` whose elements are 1 with probability `p` and 0 otherwise, of
 * `options.dtype` (default float32). Each element compares a 53-bit uniform `u` (two words, as in
 * {@link uniform} float64) with `p`: 1 when `u < p`. So `p = 0` gives all zeros and `p = 1` all ones.
 *
 * @example
 * bernoulli(k, 0.9, [4, 8], { backend: cpu }) // a dropout keep-mask, shape [4, 8]
 *
 * @category samplers
 * @since 0.1.0
 */
export const bernoulli = (k: Key, p: number, shape: readonly number[], options?: TensorOptions): Tensor => {
  const words = requireKey('bernoulli', k)
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw shapeError('bernoulli', 'p', `p must be a probability in [0, 1], got ${describe(p)}`)
  }
  const s = requireShape('bernoulli', shape)
  const dtype = requireDType('bernoulli', options)
  const next = stream('bernoulli', words)
  const n = size(s)
  const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = unit53(next) < p ? 1 : 0
  return build(out, s, options)
}

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
  const m = high - low
  if (m > TWO_53) throw shapeError('randint', 'high', `high − low must be at most 2^53, got [${low}, ${high})`)
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
