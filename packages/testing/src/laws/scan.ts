/**
 * `scan`'s laws as {@link PropertyLaw}s, over random lengths (including 0), weights, inputs and
 * tangents, for a tanh recurrence `h' = tanh(h·W + x)`, `y = h'²` of width 3 summed to a scalar:
 *
 * 1. scan equals the unrolled loop in value, JVP and VJP;
 * 2. a reverse scan equals the loop over the reversed sequence, in value and gradient;
 * 3. `truncate` ≥ T gives the full BPTT gradient exactly, and `checkpoint` of any segment size
 *    gives it within the tolerance.
 *
 * Tolerance (default 1e-13, relative to max(1, |expected|), for float64): the two sides run the
 * same operations but may group the gradient's sums differently (the loop accumulates its
 * per-step terms one by one, scan's reverse mode over the stacked sequence, checkpointing
 * recomputes segments); that is a few ulps on sums of ≤ 6 terms of size ≤ 3, far below 1e-13. A
 * wrong rule (a step off by one, a dropped carry tangent, a mis-ordered reverse) is off by the
 * size of a step's contribution.
 *
 * @since 0.1.0
 */
import {
  add,
  scan as coreScan,
  fromFlat,
  grad,
  jvp,
  matmul,
  mul,
  type ScanOptions,
  sum,
  type Tensor,
  tanh,
  tensor,
  unstack,
} from '@recur/core'
import fc from 'fast-check'
import { reference } from '../reference.js'
import { type PropertyLaw, propertyLaw, type RnnPlace } from './rnn/layer.js'
import { firstFailure } from './rnn/parts.js'

const H = 3
const maxT = 6

/**
 * One generated scan problem: the length `T` (0–6), the weights `w` (H×H), the inputs `xs`
 * (the first T·H of 6·H numbers), the initial carry `h0` (H), a tangent `v` for `w` (and its first
 * H entries for `h0`), and a segment or truncation size `k` (1–8). Every number is in [−1, 1].
 *
 * @category model
 * @since 0.1.0
 */
export interface ScanProblem {
  readonly T: number
  readonly w: readonly number[]
  readonly xs: readonly number[]
  readonly h0: readonly number[]
  readonly v: readonly number[]
  readonly k: number
}

/**
 * The laws of {@link scanLaws}, by name.
 *
 * @category model
 * @since 0.1.0
 */
export interface ScanLaws {
  readonly equalsLoop: PropertyLaw<ScanProblem>
  readonly reverseEqualsReversedLoop: PropertyLaw<ScanProblem>
  readonly truncateAndCheckpoint: PropertyLaw<ScanProblem>
}

/**
 * Problems for the scan laws (see {@link ScanProblem}).
 *
 * @category arbitraries
 * @since 0.1.0
 */
export const scanProblem = (): fc.Arbitrary<ScanProblem> => {
  const value = fc.double({ min: -1, max: 1, noNaN: true })
  const values = (n: number) => fc.array(value, { minLength: n, maxLength: n })
  return fc.record({
    T: fc.integer({ min: 0, max: maxT }),
    w: values(H * H),
    xs: values(maxT * H),
    h0: values(H),
    v: values(H * H),
    k: fc.integer({ min: 1, max: 8 }),
  })
}

type P = { readonly w: Tensor; readonly h0: Tensor }

/**
 * Where the scan laws run and what they check.
 *
 * @category model
 * @since 0.1.0
 */
export interface ScanLawOptions {
  /** Backend and dtype of every tensor (default: the reference backend, float64). */
  readonly place?: RnnPlace
  /** Relative tolerance (default 1e-13; see the module header). */
  readonly tolerance?: number
  /** The scan under test (default core's `scan`): a wrapper or a reimplementation with its signature. */
  readonly scan?: typeof coreScan
}

/**
 * scan's laws (see the module header) with every tensor on `place` (default: the reference
 * backend, float64).
 *
 * The loop side always uses plain operations, so a wrapper passed as `scan` is checked against
 * the definition, not against itself.
 *
 * @example
 * const laws = scanLaws({ place: { backend: cpu, dtype: 'float64' } })
 * fc.assert(laws.equalsLoop.property(), { numRuns: 60 })
 *
 * @category laws
 * @since 0.1.0
 */
export const scanLaws = (options: ScanLawOptions = {}): ScanLaws => {
  const o = options.place ?? { backend: reference, dtype: 'float64' }
  const scan = options.scan ?? coreScan
  const tol = options.tolerance ?? 1e-13
  const setup = (p: ScanProblem) => ({
    params: { w: fromFlat(p.w, [H, H], o), h0: fromFlat(p.h0, [H], o) },
    xs: fromFlat(p.xs.slice(0, p.T * H), [p.T, H], o),
    v: { w: fromFlat(p.v, [H, H], o), h0: fromFlat(p.v.slice(0, H), [H], o) },
  })
  const cell = (w: Tensor) => (h: Tensor, x: Tensor) => {
    const n = tanh(add(matmul(h, w), x))
    return [n, mul(n, n)] as const
  }
  const viaScan =
    (xs: Tensor, scanOptions: ScanOptions = {}) =>
    (p: P): Tensor => {
      const [hT, ys] = scan(cell(p.w), p.h0, xs, scanOptions)
      return add(sum(hT), sum(ys))
    }
  const viaLoop =
    (xs: Tensor, reverse = false) =>
    (p: P): Tensor => {
      let h = p.h0
      let total = tensor(0, o)
      const steps = unstack(xs)
      for (const x of reverse ? [...steps].reverse() : steps) {
        const [n, y] = cell(p.w)(h, x)
        h = n
        total = add(total, sum(y))
      }
      return add(sum(h), total)
    }
  const flat = (p: P): number[] => [...p.w.toFlat(), ...p.h0.toFlat()]
  /** Each `got[i]` within `t`·max(1, |want[i]|) of `want[i]`, else a message with the worst. */
  const near = (what: string, got: readonly number[], want: readonly number[], t = tol): string | undefined => {
    if (got.length !== want.length) return `${what}: ${got.length} numbers, expected ${want.length}`
    let worst: string | undefined
    let excess = 1
    got.forEach((g, i) => {
      const w = want[i] ?? Number.NaN
      const d = Math.abs(g - w)
      const allowed = t * Math.max(1, Math.abs(w))
      const r = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d === 0 ? 0 : allowed === 0 ? Number.POSITIVE_INFINITY : d / allowed
      if (r > excess) {
        excess = r
        worst = `${what}[${i}] is ${g}, expected ${w} (|Δ| = ${d}, tolerance ${allowed})`
      }
    })
    return worst
  }
  const law = (name: string, check: (p: ScanProblem) => string | undefined): PropertyLaw<ScanProblem> =>
    propertyLaw(name, tol, scanProblem(), (p) => {
      const failure = check(p)
      return failure === undefined ? undefined : `${name}: fails for T = ${p.T}, k = ${p.k}: ${failure}`
    })

  return {
    equalsLoop: law('scan equals the unrolled loop in value, JVP and VJP', (raw) => {
      const { params, xs, v } = setup(raw)
      return firstFailure(
        () => near('value', [viaScan(xs)(params).item()], [viaLoop(xs)(params).item()]),
        () => near('jvp', [jvp(viaScan(xs), [params], [v])[1].item()], [jvp(viaLoop(xs), [params], [v])[1].item()]),
        () => near('vjp', flat(grad(viaScan(xs))(params)), flat(grad(viaLoop(xs))(params))),
      )
    }),
    reverseEqualsReversedLoop: law('reverse scan equals scanning the reversed sequence', (raw) => {
      const { params, xs } = setup(raw)
      return firstFailure(
        () => near('value', [viaScan(xs, { reverse: true })(params).item()], [viaLoop(xs, true)(params).item()]),
        () => near('gradient', flat(grad(viaScan(xs, { reverse: true }))(params)), flat(grad(viaLoop(xs, true))(params))),
      )
    }),
    truncateAndCheckpoint: law('truncate ≥ T and checkpoint of any segment size give full BPTT', (raw) => {
      const { params, xs } = setup(raw)
      const full = flat(grad(viaScan(xs))(params))
      const k = Math.max(raw.T, 1) + raw.k
      return firstFailure(
        () => near(`gradient with truncate ${k}`, flat(grad(viaScan(xs, { truncate: k }))(params)), full, 0),
        () => near(`gradient with checkpoint ${raw.k}`, flat(grad(viaScan(xs, { checkpoint: raw.k }))(params)), full),
      )
    }),
  }
}
