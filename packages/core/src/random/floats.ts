/**
 * Float samplers: {@link uniform}, {@link normal} and {@link bernoulli} turn words of the stream of
 * a key into float32 or float64 tensors, with the bit-level conversions that keep `uniform` inside
 * `[min, max)` after rounding to the dtype.
 *
 * @since 0.1.0
 */
import type { Backend } from '../Backend.js'
import { fromTypedArray, type TensorOptions } from '../create.js'
import { type Shape, size } from '../Shape.js'
import { shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { describe, requireDType, requireFinite, requireShape, TWO_32, TWO_53 } from './args.js'
import { type Key, requireKey, stream } from './Key.js'
import { normalQuantile } from './normalQuantile.js'

// ---------------------------------------------------------------------------------------------
// float conversions
// ---------------------------------------------------------------------------------------------

/** Scratch space for reading and writing float bit patterns. */
const scratch = new DataView(new ArrayBuffer(8))

/** The float32 just below `f` (a float32 or ±Infinity). */
const nextDown32 = (f: number): number => {
  if (f === 0) return -1.401298464324817e-45
  scratch.setFloat32(0, f)
  const b = scratch.getUint32(0)
  scratch.setUint32(0, f > 0 ? b - 1 : b + 1)
  return scratch.getFloat32(0)
}

/** The double just below the finite `x`. */
const nextDown64 = (x: number): number => {
  if (x === 0) return -Number.MIN_VALUE
  scratch.setFloat64(0, x)
  const hi = scratch.getUint32(0)
  const lo = scratch.getUint32(4)
  if (x > 0) {
    scratch.setUint32(0, lo === 0 ? hi - 1 : hi)
    scratch.setUint32(4, lo === 0 ? 0xffffffff : lo - 1)
  } else {
    scratch.setUint32(0, lo === 0xffffffff ? hi + 1 : hi)
    scratch.setUint32(4, lo === 0xffffffff ? 0 : lo + 1)
  }
  return scratch.getFloat64(0)
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

const backendOf = (options: TensorOptions | undefined): { readonly backend?: Backend } =>
  options?.backend === undefined ? {} : { backend: options.backend }

const build = (values: Float32Array | Float64Array, shape: Shape, options: TensorOptions | undefined): Tensor =>
  fromTypedArray(values, shape, backendOf(options))

// ---------------------------------------------------------------------------------------------
// samplers
// ---------------------------------------------------------------------------------------------

/** The checked key words, shape and dtype every sampler starts from. */
const samplerArgs = (op: string, k: Key, shape: readonly number[], options: TensorOptions | undefined) => ({
  words: requireKey(op, k),
  s: requireShape(op, shape),
  dtype: requireDType(op, options),
})

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
  const { words, s, dtype } = samplerArgs('uniform', k, shape, options)
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
      out[i] = Math.min(Math.max(v, lo), hi)
    }
    return build(out, s, options)
  }
  const hi = nextDown64(max)
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = min + span * unit53(next)
    out[i] = Math.min(v, hi)
  }
  return build(out, s, options)
}

/**
 * A tensor of `shape` with elements drawn from the normal distribution with `mean` (default 0) and
 * standard deviation `std` (default 1, must be ≥ 0), of `options.dtype` (default float32).
 *
 * Method: inverse CDF. Each element is `mean + std·Φ⁻¹(u)` ({@link normalQuantile}) with `u`
 * strictly inside (0, 1), so there is no log(0): float32 elements take one word each,
 * `u = (w + 0.5) / 2^32` (|z| < 6.34); float64 elements take two,
 * `u = ((w0 >>> 6)·2^26 + (w1 >>> 6) + 0.5) / 2^52` (|z| < 8.21). One `u` per element keeps the
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
  const { words, s, dtype } = samplerArgs('normal', k, shape, options)
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
