/**
 * Laws of second derivatives of a scalar-valued `f`, through `hvp` (forward over reverse):
 *
 * - the Hessian-vector product agrees with central differences of the gradient:
 *   ∇²f(x)·v ≈ (∇f(x + hv) − ∇f(x − hv)) / 2h;
 * - the Hessian, built column by column from `hvp` with basis vectors, is symmetric.
 *
 * Like the first-order laws, they return `undefined` or a message naming the worst violation.
 *
 * @since 0.1.0
 */
import { fromFlat, grad, hvp, type Tensor, Tree, type TreeT } from '@recur/core'
import { compareWithCentralDifferences, type FiniteDifferenceOptions } from './gradients.js'
import { leafValues } from './tree.js'

/**
 * A dense Hessian over the elements of a tree, with a label (`x.w[3]`) per row and column.
 *
 * @category model
 * @since 0.1.0
 */
export interface DenseHessian {
  readonly labels: readonly string[]
  /** `rows[i][j]` = ∂²f / ∂xᵢ∂xⱼ; row `j` is computed as `hvp(f, x, eⱼ)`. */
  readonly rows: readonly (readonly number[])[]
}

/**
 * The tree with the structure of `x` that is 1 at element `k` (counting over all leaves in
 * order) and 0 elsewhere.
 */
const basis = <X extends TreeT>(x: X, k: number): X => {
  let offset = 0
  return Tree.map(x, (leaf) => {
    const values = new Array<number>(leaf.size).fill(0)
    if (k >= offset && k < offset + leaf.size) values[k - offset] = 1
    offset += leaf.size
    return fromFlat(values, leaf.shape, { dtype: leaf.dtype, backend: leaf.backend })
  })
}

/**
 * ∇²f(x) as a dense matrix, one `hvp` per element of `x` (so keep `x` small). By symmetry of the
 * Hessian, row `j` is `hvp(f, x, eⱼ)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const denseHessian = <X extends TreeT>(f: (x: X) => Tensor, x: X): DenseHessian => {
  const labels = leafValues(x, 'x').flatMap((l) => l.values.map((_, j) => `${l.path}[${j}]`))
  const rows = labels.map((_, k) => leafValues(hvp(f, x, basis(x, k))).flatMap((l) => l.values))
  return { labels, rows }
}

/**
 * The Hessian of a scalar-valued `f` at `x` is symmetric: |Hᵢⱼ − Hⱼᵢ| ≤ `rtol`·max(1, max|H|) for
 * every pair. Default `rtol` 1e-9: Hᵢⱼ and Hⱼᵢ are the same sum computed along different paths, so
 * they differ by a few ulps per operation relative to the magnitudes involved (at least 1, so
 * that a Hessian that is zero by cancellation, computed as rounding noise, passes).
 *
 * @category laws
 * @since 0.1.0
 */
export const hessianIsSymmetric = <X extends TreeT>(
  f: (x: X) => Tensor,
  x: X,
  options: { readonly rtol?: number } = {},
): string | undefined => {
  const { labels, rows } = denseHessian(f, x)
  const scale = rows.reduce((m, r) => r.reduce((n, v) => Math.max(n, Math.abs(v)), m), 0)
  const tol = (options.rtol ?? 1e-9) * Math.max(1, scale)
  let worst: { err: number; message: string } | undefined
  rows.forEach((row, i) => {
    row.forEach((hij, j) => {
      const hji = rows[j]?.[i] ?? Number.NaN
      const err = Number.isNaN(hij - hji) ? Number.POSITIVE_INFINITY : Math.abs(hij - hji)
      if (err > tol && (worst === undefined || err > worst.err)) {
        worst = {
          err,
          message: `H[${labels[i]}, ${labels[j]}] = ${hij} but H[${labels[j]}, ${labels[i]}] = ${hji} (tolerance ${tol})`,
        }
      }
    })
  })
  return worst?.message
}

/**
 * `hvp(f, x, v)` agrees with central differences of the gradient, (∇f(x + hv) − ∇f(x − hv)) / 2h,
 * with the step and tolerances of {@link FiniteDifferenceOptions} (the absolute tolerance is
 * relative to max(1, |∇f(x)ᵢ|)).
 *
 * @category laws
 * @since 0.1.0
 */
export const hvpMatchesFiniteDifferences = <X extends TreeT>(
  f: (x: X) => Tensor,
  x: X,
  v: X,
  options: FiniteDifferenceOptions = {},
): string | undefined => {
  const g = (y: X): X => grad(f)(y)
  return compareWithCentralDifferences('hvp', g, [x], [v], g(x), hvp(f, x, v), options)
}
