/**
 * A kernel case: one kernel call with concrete arguments, how to run it on any backend, and how far
 * a candidate's result may be from the reference's, element by element.
 *
 * Tolerances (justified once, here):
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
 * @since 0.1.0
 */
import { type Backend, type DType, epsilon, type ReadonlyData } from '@recur/core'

/**
 * The kernels of the `Backend` interface.
 *
 * @category model
 * @since 0.1.0
 */
export type KernelName = Exclude<keyof Backend, 'name'>

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
  /** Calls the kernel on `backend`. */
  readonly run: (backend: Backend) => ReadonlyData
  /**
   * For accumulating kernels: the number of accumulated terms and, per output element, the
   * accumulated magnitude Σ|terms| computed with `backend` (the reference). Absent: exact.
   */
  readonly accumulation?: { readonly terms: number; readonly scale: (backend: Backend) => ReadonlyData }
}

const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b))

/**
 * Runs a case on both backends; returns a description of the worst mismatch, or `undefined` when
 * the candidate is within tolerance everywhere.
 *
 * @category laws
 * @since 0.1.0
 */
export const compareKernel = (candidate: Backend, reference: Backend, c: KernelCase): string | undefined => {
  const expected = c.run(reference)
  const actual = c.run(candidate)
  const kind = c.dtype === 'float32' ? Float32Array : Float64Array
  if (!(actual instanceof kind)) return `${c.kernel}(${c.args}): result is not a ${kind.name}`
  if (actual.length !== expected.length) return `${c.kernel}(${c.args}): ${actual.length} elements, expected ${expected.length}`
  const scale = c.accumulation?.scale(reference)
  const terms = c.accumulation?.terms ?? 0
  let worst: { i: number; excess: number; tol: number } | undefined
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] ?? Number.NaN
    const a = actual[i] ?? Number.NaN
    if (same(a, e)) continue
    const tol =
      scale === undefined || !Number.isFinite(e)
        ? 0
        : 4 * terms * epsilon('float64') * Math.abs(scale[i] ?? 0) +
          (c.dtype === 'float32' ? epsilon('float32') * Math.abs(e) : 0)
    const excess = Number.isNaN(a - e) ? Number.POSITIVE_INFINITY : Math.abs(a - e) - tol
    if (excess > 0 && (worst === undefined || excess > worst.excess)) worst = { i, excess, tol }
  }
  if (worst === undefined) return undefined
  return `${c.kernel}(${c.args}): element ${worst.i} is ${actual[worst.i]}, reference ${expected[worst.i]} (tolerance ${worst.tol})`
}
