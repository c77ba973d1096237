/**
 * `gradcheck(f, args)`: checks the gradient recur computes for your own function — a loss, a cell,
 * a whole model — against central finite differences, entry by entry, in float64, and reports the
 * worst entry with its path. In the spirit of `torch.autograd.gradcheck`, but it never needs your
 * function to return a scalar: a tree-valued `f` is reduced to g(x) = ⟨u, f(x)⟩ with a fixed random
 * `u`, whose gradient Jᵀu is exactly what reverse mode computes.
 *
 * Tolerance per entry: |analytic − numeric| ≤ atol + rtol·max(|analytic|, |numeric|). Central
 * differences with step h = eps·max(1, |xᵢ|) err by O(h²·|g'''|) (truncation) plus O(ε₆₄·|g|/h)
 * (rounding); with eps = 1e-6 both are ≲ 1e-10 for values of order 1, so the defaults rtol = 1e-6 and
 * atol = 1e-8 leave a wide margin and still catch any real mistake (which is of the order of the
 * gradient itself). Cost: two evaluations of `f` per input element — meant for small inputs.
 *
 * @since 0.1.0
 */
import { fromFlat, Random, Tree, type TreeT, vjp } from '@recur/core'
import { innerProduct, leafValues } from './tree.js'

/**
 * Step, tolerances and how many entries to check.
 *
 * @category model
 * @since 0.1.0
 */
export interface GradcheckOptions {
  /** Relative step (default 1e-6). */
  readonly eps?: number
  /** Relative tolerance (default 1e-6). */
  readonly rtol?: number
  /** Absolute tolerance (default 1e-8). */
  readonly atol?: number
  /** Seed of the random cotangent used for tree-valued outputs (default 0). */
  readonly seed?: number
  /** Check at most this many entries per input leaf, evenly spread (default: all). */
  readonly maxEntriesPerLeaf?: number
}

/**
 * The entry that came out worst.
 *
 * @category model
 * @since 0.1.0
 */
export interface GradcheckEntry {
  /** E.g. `args[0].weight_hh[3, 1]`. */
  readonly path: string
  readonly analytic: number
  readonly numeric: number
  readonly error: number
  readonly tolerance: number
}

/**
 * What `gradcheck` found.
 *
 * @category model
 * @since 0.1.0
 */
export interface GradcheckReport {
  readonly ok: boolean
  /** How many entries were compared. */
  readonly checked: number
  /** The entry with the largest error relative to its tolerance (absent when there were none). */
  readonly worst?: GradcheckEntry
  /** A one-line summary, suitable for a test failure. */
  readonly message: string
}

const multiIndex = (flat: number, shape: readonly number[]): string => {
  const idx: number[] = []
  let rest = flat
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] ?? 1
    idx.unshift(rest % n)
    rest = Math.floor(rest / n)
  }
  return `[${idx.join(', ')}]`
}

/**
 * Compares reverse-mode gradients of `f` at `args` with central differences (see the module
 * header). All tensors in `args` must be float64.
 *
 * @example
 * const report = gradcheck((p: Params, x: Tensor) => loss(p, x), [params, x])
 * expect(report.ok, report.message).toBe(true)
 *
 * @category laws
 * @since 0.1.0
 */
export const gradcheck = <A extends readonly TreeT[]>(
  f: (...args: A) => TreeT,
  args: A,
  options: GradcheckOptions = {},
): GradcheckReport => {
  const eps = options.eps ?? 1e-6
  const rtol = options.rtol ?? 1e-6
  const atol = options.atol ?? 1e-8
  const leaves = leafValues(args, 'args')
  const bad = leaves.find((l) => l.dtype !== 'float64')
  if (bad !== undefined)
    throw new TypeError(`gradcheck: ${bad.path} is ${bad.dtype}; finite differences need float64 inputs (cast them first)`)
  const [out, pullback] = vjp(f, args)
  const [outLeaves] = Tree.flatten(out, 'output')
  const keys = Random.split(Random.key(options.seed ?? 0), Math.max(1, outLeaves.length))
  const u = Tree.map(out, (leaf, _path) => {
    const k = keys[outLeaves.indexOf(leaf)] ?? Random.key(0)
    return leaf.rank === 0 && outLeaves.length === 1
      ? fromFlat([1], [], { dtype: leaf.dtype, backend: leaf.backend })
      : Random.normal(k, leaf.shape, { dtype: leaf.dtype, backend: leaf.backend })
  })
  const analytic = leafValues(pullback(u), 'args')
  const objective = (a: A): number => innerProduct(u, f(...a)).value
  const [argLeaves, def] = Tree.flatten(args, 'args')
  let worst: (GradcheckEntry & { readonly ratio: number }) | undefined
  let checked = 0
  leaves.forEach((leaf, li) => {
    const n = leaf.values.length
    const limit = Math.min(n, options.maxEntriesPerLeaf ?? n)
    for (let c = 0; c < limit; c++) {
      const i = limit === n ? c : Math.floor((c * n) / limit)
      const x = leaf.values[i] ?? 0
      const h = eps * Math.max(1, Math.abs(x))
      const at = (delta: number): number => {
        const values = leaf.values.map((v, j) => (j === i ? v + delta : v))
        const original = argLeaves[li]
        const replaced = argLeaves.map((t, j) =>
          j === li && original !== undefined ? fromFlat(values, t.shape, { dtype: t.dtype, backend: t.backend }) : t,
        )
        return objective(Tree.unflatten(def, replaced) as A)
      }
      const numeric = (at(h) - at(-h)) / (2 * h)
      const exact = analytic[li]?.values[i] ?? 0
      const error = Math.abs(exact - numeric)
      const tolerance = atol + rtol * Math.max(Math.abs(exact), Math.abs(numeric))
      checked++
      const ratio = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error / tolerance
      if (worst === undefined || ratio > worst.ratio)
        worst = { path: `${leaf.path}${multiIndex(i, leaf.shape)}`, analytic: exact, numeric, error, tolerance, ratio }
    }
  })
  if (worst === undefined) return { ok: true, checked, message: 'gradcheck: no entries to check' }
  const ok = worst.ratio <= 1
  const { ratio: _, ...entry } = worst
  const detail = `${entry.path}: analytic ${entry.analytic}, numeric ${entry.numeric}, |Δ| = ${entry.error.toExponential(2)} (tolerance ${entry.tolerance.toExponential(2)})`
  return { ok, checked, worst: entry, message: `gradcheck ${ok ? 'passed' : 'failed'} on ${checked} entries; worst ${detail}` }
}
