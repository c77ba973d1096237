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

export { bernoulli, normal, uniform } from './random/floats.js'
export { permutation, randint } from './random/integers.js'
export { bits, foldIn, isKey, type Key, key, split } from './random/Key.js'
export { normalQuantile } from './random/normalQuantile.js'
export { threefry2x32 } from './random/threefry.js'
