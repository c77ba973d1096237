/**
 * The end-to-end conformance property: an LSTM layer's outputs, loss and parameter gradients on the
 * candidate equal those on the reference.
 *
 * Tolerance, norm-wise per tensor: |candidate − reference| ≤ k·ε(dtype)·max|reference tensor|, with
 * k = 256 by default. Why: a conforming backend agrees with the reference exactly except in
 * accumulations (matmul, sum), which may differ by a few ε of their scale (see `KernelCase`). Such
 * a difference is carried through the rest of the graph, whose steps are non-expanding or nearly so
 * (σ′ ≤ ¼, tanh′ ≤ 1, weights in [−1/√H, 1/√H] with H ≤ 3, T ≤ 4 steps), so the differences add up
 * about once per accumulating kernel on the longest path — forward and backward through T steps,
 * ≲ 40 of them — each at most ~4ε of the scale: ≲ 160ε. For scale, `cpu` stays within 1.5ε over
 * 300 such problems in float64 and is bit-identical in float32. A wrong kernel is off by far more:
 * 256·ε₃₂ is 3·10⁻⁵ of the tensor's largest value.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, epsilon } from '@recur/core'
import fc from 'fast-check'
import { type LstmOutcome, type LstmSizes, lstmOutcome } from './lstm.js'

/**
 * A generated end-to-end case: the LSTM sizes and the seed of its parameters and data.
 *
 * @category model
 * @since 0.1.0
 */
export interface LstmCase extends LstmSizes {
  readonly seed: number
}

/**
 * The default LSTM tolerance, in units of ε(dtype)·max|reference tensor|.
 *
 * @category model
 * @since 0.1.0
 */
export const defaultLstmTolerance = 256

/**
 * Small LSTM problems: I, H ∈ 1..3, B ∈ 1..2, T ∈ 1..4, any seed.
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const lstmCase: fc.Arbitrary<LstmCase> = fc
  .record({
    inputSize: fc.integer({ min: 1, max: 3 }),
    hiddenSize: fc.integer({ min: 1, max: 3 }),
    batch: fc.integer({ min: 1, max: 2 }),
    steps: fc.integer({ min: 1, max: 4 }),
    seed: fc.nat(),
  })
  .map((c) => ({
    ...c,
    [fc.toStringMethod]: () => `lstm(I=${c.inputSize}, H=${c.hiddenSize}, B=${c.batch}, T=${c.steps}, seed=${c.seed})`,
  }))

const worstIn = (
  name: string,
  actual: readonly number[],
  expected: readonly number[],
  tol: number,
): { message: string; excess: number } | undefined => {
  if (actual.length !== expected.length)
    return { message: `${name}: ${actual.length} elements, reference ${expected.length}`, excess: Number.POSITIVE_INFINITY }
  let worst: { message: string; excess: number } | undefined
  expected.forEach((e, i) => {
    const a = actual[i] ?? Number.NaN
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) return
    const excess = Number.isNaN(a - e) ? Number.POSITIVE_INFINITY : Math.abs(a - e) - tol
    if (excess > 0 && (worst === undefined || excess > worst.excess))
      worst = { message: `${name}[${i}] is ${a}, reference ${e} (tolerance ${tol.toExponential(2)})`, excess }
  })
  return worst
}

/**
 * Compares two outcomes tensor by tensor; returns the worst mismatch, or `undefined`.
 *
 * @category laws
 * @since 0.1.0
 */
export const compareOutcomes = (
  candidate: LstmOutcome,
  reference: LstmOutcome,
  dtype: DType,
  ulps: number = defaultLstmTolerance,
): string | undefined => {
  let worst: { message: string; excess: number } | undefined
  reference.forEach(([name, expected], t) => {
    const actual = candidate[t]?.[1] ?? []
    const scale = expected.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0)
    const w = worstIn(name, actual, expected, ulps * epsilon(dtype) * scale)
    if (w !== undefined && (worst === undefined || w.excess > worst.excess)) worst = w
  })
  return worst?.message
}

/**
 * The end-to-end law for one case: the LSTM's values and gradients on `candidate` equal those on
 * `reference` within `ulps` (see the module header). Returns the worst mismatch, or `undefined`.
 *
 * @category laws
 * @since 0.1.0
 */
export const lstmAgrees = (
  candidate: Backend,
  reference: Backend,
  dtype: DType,
  c: LstmCase,
  ulps: number = defaultLstmTolerance,
): string | undefined => {
  const expected = lstmOutcome(reference, dtype, c, c.seed)
  const actual = lstmOutcome(candidate, dtype, c, c.seed)
  return compareOutcomes(actual, expected, dtype, ulps)
}
