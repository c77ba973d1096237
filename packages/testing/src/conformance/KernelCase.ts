/**
 * A kernel case: one kernel call with concrete arguments, how to run it on any backend, and how far
 * a candidate's result may be from the reference's, element by element.
 *
 * Default tolerances (justified once, here):
 * - Kernels that compute each output from one input element with one IEEE operation, or only move
 *   elements (elementwise, comparisons, where, max/min/arg reductions, layout, gather, oneHot,
 *   cast, fill) must match the reference **exactly** (NaN matches NaN; 0 matches −0). Both compute
 *   the same float64 value and round it once to the output dtype.
 * - Kernels that accumulate (sum, prod, matmul, scatterAdd) may add in a different order. With `n`
 *   terms accumulated in float64 the two results each lie within about n·ε₆₄·Σ|terms| of the exact
 *   value (the standard bound for recursive summation), so they may differ by twice that; we allow
 *   4·n·ε₆₄·scale, where `scale` is the accumulation of |terms|. In float32 the two float64 values
 *   are then rounded separately, which can land one float32 ulp apart: add ε₃₂·|reference|.
 *
 * Besides values, {@link compareKernel} checks the two ownership rules of the Backend contract:
 * inputs are never written, and a returned array is never written again (a kernel that returns
 * the same scratch buffer on every call breaks the second).
 *
 * @since 0.1.0
 */
import { type Backend, type DType, epsilon, type Operand, type ReadonlyData } from '@recur/core'
import fc from 'fast-check'

/**
 * The required kernels of the `Backend` interface (the optional `fused` kernels have their own
 * cases in `fusedCases.ts`).
 *
 * @category model
 * @since 0.1.0
 */
export type KernelName = Exclude<keyof Backend, 'name' | 'fused'>

/**
 * One kernel call to compare between backends.
 *
 * @category model
 * @since 0.1.0
 */
export interface KernelCase {
  readonly kernel: KernelName
  /** The arguments, readable, for counterexamples. */
  readonly args: string
  /** The output dtype. */
  readonly dtype: DType
  /** The operands the call reads (checked to be unchanged after the candidate ran). */
  readonly inputs: readonly Operand[]
  /** Calls the kernel on `backend`. */
  readonly run: (backend: Backend) => ReadonlyData
  /**
   * For accumulating kernels: the number of accumulated terms and, per output element, the
   * accumulated magnitude Σ|terms| computed with `backend` (the reference). Absent: exact.
   */
  readonly accumulation?: { readonly terms: number; readonly scale: (backend: Backend) => ReadonlyData }
}

/**
 * How far a candidate's element `a` may be from the reference's `e`:
 * `|a − e| ≤ absolute + ulps·ε(dtype)·|e| + accumulation·n·ε(accumulator)·Σ|terms|`, the last term
 * for accumulating kernels only (`n` terms). Non-finite references must be matched exactly.
 * (Relative bounds fail in gradual underflow, where each rounding errs by up to half the smallest
 * subnormal: a backend that accumulates in float32 also needs `absolute: 2 ** -126`.)
 *
 * @category model
 * @since 0.1.0
 */
export interface Tolerance {
  /** Absolute slack per element. */
  readonly absolute: number
  /** Relative slack per element, in units of ε of the output dtype. */
  readonly ulps: number
  /** Slack of accumulating kernels, in units of n·ε(accumulator)·Σ|terms|. */
  readonly accumulation: number
  /** The precision the candidate accumulates in; `'float32'` loosens `accumulation` by 2²⁹. */
  readonly accumulator: DType
}

/**
 * The default tolerance of a case: exact, or (for accumulating kernels) 4·n·ε₆₄·Σ|terms| plus one
 * ulp of the output dtype.
 *
 * @category model
 * @since 0.1.0
 */
export const defaultTolerance = (c: KernelCase): Tolerance =>
  c.accumulation === undefined
    ? { absolute: 0, ulps: 0, accumulation: 0, accumulator: 'float64' }
    : { absolute: 0, ulps: 1, accumulation: 4, accumulator: 'float64' }

/**
 * A kernel case whose fast-check rendering is the call itself, e.g. `matmul(float32[1,2](…), …)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const kernelCase = (c: KernelCase): KernelCase => {
  const shown: KernelCase & fc.WithToStringMethod = { ...c, [fc.toStringMethod]: () => showCase(c) }
  return shown
}

/**
 * The call a case makes, for messages.
 *
 * @category formatting
 * @since 0.1.0
 */
export const showCase = (c: KernelCase): string => `${c.kernel}(${c.args})`

const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b))

const copy = (d: ReadonlyData): number[] => Array.from({ length: d.length }, (_, i) => d[i] ?? Number.NaN)

const unchanged = (d: ReadonlyData, before: readonly number[]): boolean =>
  d.length === before.length && before.every((v, i) => Object.is(v, d[i]))

const bytes = (d: ReadonlyData): { buffer: ArrayBufferLike; from: number; to: number } | undefined =>
  (d instanceof Float32Array || d instanceof Float64Array) && d.length > 0
    ? { buffer: d.buffer, from: d.byteOffset, to: d.byteOffset + d.byteLength }
    : undefined

/** `true` when `a` and `b` share memory. */
const overlaps = (a: ReadonlyData, b: ReadonlyData): boolean => {
  const x = bytes(a)
  const y = bytes(b)
  return x !== undefined && y !== undefined && x.buffer === y.buffer && x.from < y.to && y.from < x.to
}

/** The ownership rules: inputs unchanged; two calls never share result memory (unless input's). */
const ownership = (candidate: Backend, c: KernelCase, first: ReadonlyData): string | undefined => {
  const before = c.inputs.map((x) => copy(x.data))
  const second = c.run(candidate)
  const written = c.inputs.findIndex((x, i) => !unchanged(x.data, before[i] ?? []))
  if (written >= 0) return `${showCase(c)}: the kernel wrote into input ${written} (inputs are read-only)`
  const isInput = c.inputs.some((x) => overlaps(x.data, first))
  if (!isInput && overlaps(first, second))
    return `${showCase(c)}: two calls returned the same memory (a result belongs to its tensor and must never be written again)`
  return undefined
}

/**
 * Runs a case on both backends; returns a description of the worst mismatch (or of a broken
 * ownership rule), or `undefined` when the candidate is within tolerance everywhere. `tolerance`
 * overrides fields of {@link defaultTolerance}.
 *
 * @category laws
 * @since 0.1.0
 */
export const compareKernel = (
  candidate: Backend,
  reference: Backend,
  c: KernelCase,
  tolerance: Partial<Tolerance> = {},
): string | undefined => {
  const expected = c.run(reference)
  const inputs = c.inputs.map((x) => copy(x.data))
  const actual = c.run(candidate)
  const written = c.inputs.findIndex((x, i) => !unchanged(x.data, inputs[i] ?? []))
  if (written >= 0) return `${showCase(c)}: the kernel wrote into input ${written} (inputs are read-only)`
  const kind = c.dtype === 'float32' ? Float32Array : Float64Array
  if (!(actual instanceof kind)) return `${showCase(c)}: result is not a ${kind.name}`
  if (actual.length !== expected.length) return `${showCase(c)}: ${actual.length} elements, expected ${expected.length}`
  const t = { ...defaultTolerance(c), ...tolerance }
  const scale = c.accumulation?.scale(reference)
  const perTerm = (c.accumulation?.terms ?? 0) * t.accumulation * epsilon(t.accumulator)
  let worst: { i: number; excess: number; tol: number } | undefined
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? Number.NaN
    const a = actual[i] ?? Number.NaN
    if (same(a, e)) continue
    const tol = !Number.isFinite(e)
      ? 0
      : t.absolute + t.ulps * epsilon(c.dtype) * Math.abs(e) + perTerm * Math.abs(scale?.[i] ?? 0)
    const excess = Number.isNaN(a - e) ? Number.POSITIVE_INFINITY : Math.abs(a - e) - tol
    if (excess > 0 && (worst === undefined || excess > worst.excess)) worst = { i, excess, tol }
  }
  if (worst !== undefined)
    return `${showCase(c)}: element ${worst.i} is ${actual[worst.i]}, reference ${expected[worst.i]} (tolerance ${worst.tol})`
  return ownership(candidate, c, actual)
}
