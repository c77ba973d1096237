/**
 * Arithmetic on trees of tensors for the laws, done in plain JavaScript numbers (float64) rather
 * than with core's operations: the laws check those operations, so they must not lean on them.
 *
 * Laws:
 * - `innerProduct(a, b).value` is Σ aᵢ·bᵢ over all leaves; `.scale` is Σ |aᵢ·bᵢ| ≥ |value|.
 * - `axpy(α, x, y)` has the structure, shapes and dtypes of `y` (and rounds to a float32 leaf's
 *   dtype); `axpy(0, x, y)` equals `y`.
 * - `maxAbsDiff(a, a)` is `undefined` or has `diff` 0.
 *
 * @since 0.1.0
 */
import { type DType, fromFlat, Tree, type TreeT } from '@recur/core'

/**
 * Every element of a tree, leaf by leaf, with the path of its leaf.
 *
 * @category model
 * @since 0.1.0
 */
export interface LeafValues {
  readonly path: string
  readonly shape: readonly number[]
  readonly dtype: DType
  readonly values: readonly number[]
}

/**
 * The leaves of `tree` as plain numbers, in leaf order, with their paths under `root`.
 *
 * @category destructors
 * @since 0.1.0
 */
export const leafValues = (tree: TreeT, root = 'out'): LeafValues[] => {
  const [leaves] = Tree.flatten(tree, root)
  const ps = Tree.paths(tree, root)
  return leaves.map((t, i) => ({ path: ps[i] ?? root, shape: t.shape, dtype: t.dtype, values: t.toFlat() }))
}

/**
 * Checks that two trees have the same structure and the same shape at every leaf; the message
 * names the first difference.
 *
 * @category equality
 * @since 0.1.0
 */
export const sameStructure = (a: TreeT, b: TreeT, root = 'out'): string | undefined => {
  const diff = Tree.structureDiff(Tree.flatten(a)[1], Tree.flatten(b)[1], root)
  if (diff !== undefined) return diff
  const la = leafValues(a, root)
  const lb = leafValues(b, root)
  for (const [i, x] of la.entries()) {
    const y = lb[i]
    if (y === undefined || x.shape.join() !== y.shape.join()) return `${x.path} has shape [${x.shape}] and [${y?.shape ?? ''}]`
  }
  return undefined
}

/**
 * ⟨a, b⟩ = Σ aᵢ·bᵢ over the leaves of two trees of the same structure and shapes, with the sum
 * of the magnitudes of its terms (the scale that rounding errors are relative to).
 *
 * @category combinators
 * @since 0.1.0
 */
export const innerProduct = (a: TreeT, b: TreeT): { readonly value: number; readonly scale: number } => {
  const bad = sameStructure(a, b)
  if (bad !== undefined) throw new TypeError(`innerProduct: the trees differ: ${bad}`)
  const lb = leafValues(b)
  let value = 0
  let scale = 0
  leafValues(a).forEach((x, i) => {
    const ys = lb[i]?.values ?? []
    x.values.forEach((v, j) => {
      const term = v * (ys[j] ?? 0)
      value += term
      scale += Math.abs(term)
    })
  })
  return { value, scale }
}

/**
 * `a·x + b·y` leaf by leaf, for trees of the same structure and shapes; each result leaf has the
 * dtype and backend of `y`'s (a float32 leaf is rounded once).
 *
 * @category combinators
 * @since 0.1.0
 */
export const combine = <T extends TreeT>(a: number, x: T, b: number, y: T): T =>
  Tree.zipWith(y, x, (yl, xl) => {
    const xs = xl.toFlat()
    return fromFlat(
      yl.toFlat().map((v, i) => a * (xs[i] ?? 0) + b * v),
      yl.shape,
      { dtype: yl.dtype, backend: yl.backend },
    )
  })

/**
 * `alpha·x + y` leaf by leaf (BLAS's axpy); see {@link combine}.
 *
 * @category combinators
 * @since 0.1.0
 */
export const axpy = <T extends TreeT>(alpha: number, x: T, y: T): T => combine(alpha, x, 1, y)

/**
 * A tree of zeros with the structure, shapes, dtypes and backends of `tree`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const zerosLikeTree = <T extends TreeT>(tree: T): T =>
  Tree.map(tree, (l) => fromFlat(new Array<number>(l.size).fill(0), l.shape, { dtype: l.dtype, backend: l.backend }))

/**
 * The largest magnitude of any element of a tree (0 for a tree without elements).
 *
 * @category combinators
 * @since 0.1.0
 */
export const maxAbs = (tree: TreeT): number =>
  leafValues(tree).reduce((m, l) => l.values.reduce((n, v) => Math.max(n, Math.abs(v)), m), 0)

/**
 * Where two trees differ most.
 *
 * @category model
 * @since 0.1.0
 */
export interface Difference {
  /** `path[index]` of the element, e.g. `out[1].h[3]`. */
  readonly at: string
  readonly a: number
  readonly b: number
  /** |a − b|; `Infinity` when exactly one is NaN or they are infinities of different signs. */
  readonly diff: number
}

/**
 * Where `a` and `b` (same structure and shapes) differ most, or `undefined` when they have no
 * elements. NaN equals NaN.
 *
 * @category combinators
 * @since 0.1.0
 */
export const maxAbsDiff = (a: TreeT, b: TreeT): Difference | undefined => {
  const bad = sameStructure(a, b)
  if (bad !== undefined) throw new TypeError(`maxAbsDiff: the trees differ: ${bad}`)
  const lb = leafValues(b)
  let worst: Difference | undefined
  leafValues(a).forEach((x, i) => {
    const ys = lb[i]?.values ?? []
    x.values.forEach((v, j) => {
      const w = ys[j] ?? Number.NaN
      const d =
        v === w || (Number.isNaN(v) && Number.isNaN(w)) ? 0 : Number.isNaN(v - w) ? Number.POSITIVE_INFINITY : Math.abs(v - w)
      if (worst === undefined || d > worst.diff) worst = { at: `${x.path}[${j}]`, a: v, b: w, diff: d }
    })
  })
  return worst
}

/**
 * A short rendering of a tree for messages: `[2,3] f64(0.5, -1, …)` per leaf.
 *
 * @category formatting
 * @since 0.1.0
 */
export const showTree = (tree: TreeT, root = 'x', maxElements = 12): string =>
  leafValues(tree, root)
    .map((l) => {
      const shown = l.values.slice(0, maxElements).map((v) => String(v))
      const more = l.values.length > maxElements ? ', …' : ''
      return `${l.path}: ${l.dtype}[${l.shape.join(',')}](${shown.join(', ')}${more})`
    })
    .join('; ')
