/**
 * Laws of derivatives that any `f` built from recur's operations must satisfy, as checkers that
 * return `undefined` when the law holds and a message naming the worst violation otherwise, so
 * they work from any test runner (`expect(law(...)).toBeUndefined()`).
 *
 * - Forward mode agrees with central differences: J·v ≈ (f(x + hv) − f(x − hv)) / 2h.
 * - Reverse mode is the transpose of forward mode: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ (JAX's `check_vjp`, which
 *   tests reverse mode with one inner product instead of a Jacobian).
 * - Tangents are linear: J·(a·v₁ + b·v₂) = a·J·v₁ + b·J·v₂.
 * - Transformations do not change values: `f(x)`, `jvp`'s primal output and `vjp`'s are identical.
 * - Piecewise-constant functions (comparisons, argmax, floor, …) have zero tangents and cotangents.
 *
 * Tolerances are for float64 and are justified next to each default. The arithmetic of the checks
 * is done in plain numbers (see `./tree.ts`), never with the operations under test.
 *
 * @since 0.1.0
 */
import { jvp, type TreeT, vjp } from '@recur/core'
import { axpy, combine, innerProduct, leafValues, maxAbs, sameStructure, zerosLikeTree } from './tree.js'

/**
 * A function of positional tree arguments, as the transformations take it.
 *
 * @category model
 * @since 0.1.0
 */
export type Differentiable<A extends readonly TreeT[]> = (...args: A) => TreeT

/**
 * Step and tolerances for comparisons with central differences.
 *
 * @category model
 * @since 0.1.0
 */
export interface FiniteDifferenceOptions {
  /** Relative step: the perturbation h·v has max-norm about `eps`·max(1, ‖x‖∞) (default 1e-6). */
  readonly eps?: number
  /** Tolerance relative to the element of the exact derivative (default 1e-7). */
  readonly rtol?: number
  /** Tolerance relative to max(1, |f(x)ᵢ|) (default 1e-7). */
  readonly atol?: number
}

/**
 * The step h for a central difference along `v` at `x`: `eps`·max(1, ‖x‖∞)/‖v‖∞ rounded down to a
 * power of two, so that x ± h·v is computed with as little rounding as possible.
 */
const stepFor = (x: TreeT, v: TreeT, eps: number): number => {
  const norm = maxAbs(v)
  const raw = (eps * Math.max(1, maxAbs(x))) / (norm > 0 ? norm : 1)
  return 2 ** Math.floor(Math.log2(raw))
}

/**
 * Compares a claimed directional derivative `derivative` of `g` at `x` along `v` (with `value` =
 * `g(...x)`) with central differences, element by element; shared by the forward-mode and
 * Hessian-vector-product laws. `what` names the claim in the message.
 *
 * @category laws
 * @since 0.1.0
 */
export const compareWithCentralDifferences = <A extends readonly TreeT[]>(
  what: string,
  g: Differentiable<A>,
  x: A,
  v: A,
  value: TreeT,
  derivative: TreeT,
  options: FiniteDifferenceOptions = {},
): string | undefined => {
  // Default ε = 1e-6 (scaled by max(1, ‖x‖∞)): the central difference's truncation error is
  // h²·|f‴|/6 ≈ 2e-13·|f‴| and its rounding error about u·|f|/h ≈ 1e-10·|f| (u = 1.1e-16), times
  // the rounding already in evaluating f (a few ulps per operation). ε ≈ u^(1/3) would balance
  // the two; 1e-6 keeps both at or below 1e-9 for the bounded, smooth functions we test. The
  // default tolerances (1e-7 absolute, relative to max(1, |f|), plus 1e-7 relative) leave 100×
  // margin over those errors (the catalog and 3,000 random programs pass at 1e-9), while a wrong
  // rule is off by a fraction of the derivative itself.
  const eps = options.eps ?? 1e-6
  const rtol = options.rtol ?? 1e-7
  const atol = options.atol ?? 1e-7
  const h = stepFor(x, v, eps)
  const plus = g(...axpy(h, v, x))
  const minus = g(...axpy(-h, v, x))
  const shape = sameStructure(value, derivative) ?? sameStructure(value, plus)
  if (shape !== undefined) return `${what}: the derivative does not match the output: ${shape}`
  const ys = leafValues(value)
  const ps = leafValues(plus)
  const ms = leafValues(minus)
  let worst: { excess: number; message: string } | undefined
  leafValues(derivative).forEach((d, i) => {
    d.values.forEach((dj, j) => {
      const fd = ((ps[i]?.values[j] ?? Number.NaN) - (ms[i]?.values[j] ?? Number.NaN)) / (2 * h)
      const tol = atol * Math.max(1, Math.abs(ys[i]?.values[j] ?? 0)) + rtol * Math.abs(dj)
      const err = Math.abs(fd - dj)
      const excess = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / tol
      if (excess > 1 && (worst === undefined || excess > worst.excess)) {
        worst = {
          excess,
          message: `${what} at ${d.path}[${j}] is ${dj}, central differences give ${fd} (|Δ| = ${err}, tolerance ${tol}, h = ${h})`,
        }
      }
    })
  })
  return worst?.message
}

/**
 * Forward mode agrees with central differences: for every output element, `jvp(f, x, v)`'s
 * tangent is within `atol`·max(1, |f(x)|) + `rtol`·|J·v| of (f(x + hv) − f(x − hv)) / 2h. `f` must
 * be smooth within h·‖v‖ of `x` (generate inputs away from kinks and domain edges).
 *
 * @category laws
 * @since 0.1.0
 */
export const jvpMatchesFiniteDifferences = <A extends readonly TreeT[]>(
  f: Differentiable<A>,
  primals: A,
  tangents: A,
  options: FiniteDifferenceOptions = {},
): string | undefined => {
  const [y, jv] = jvp(f, primals, tangents)
  return compareWithCentralDifferences('jvp', f, primals, tangents, y, jv, options)
}

/**
 * Reverse mode is the transpose of forward mode: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for cotangent `u` (the
 * shape of `f`'s output) and tangent `v`, with `J·v` from `jvp` and `Jᵀ·u` from `vjp`'s pullback.
 *
 * Tolerance (default `rtol` 1e-10): both sides are the same sum of products computed in two
 * orders, so they differ by rounding only — a few ulps (u = 1.1e-16) per operation, relative to
 * the magnitudes summed. We compare against `rtol` times the sum of the magnitudes of the terms
 * of both inner products (which keeps the check meaningful when the inner product is near 0)
 * plus ‖u‖₂·‖v‖₂ (the size of the inner product for a Jacobian of norm 1): a Jacobian that is zero
 * by cancellation (logSoftmax along a constant row) is computed as rounding noise of that size,
 * whose terms alone would give no scale. A wrong rule is off by a fraction of ‖J‖·‖u‖·‖v‖.
 *
 * @category laws
 * @since 0.1.0
 */
export const vjpIsTransposeOfJvp = <A extends readonly TreeT[]>(
  f: Differentiable<A>,
  primals: A,
  tangents: A,
  cotangents: TreeT,
  options: { readonly rtol?: number } = {},
): string | undefined => {
  const rtol = options.rtol ?? 1e-10
  const [, jv] = jvp(f, primals, tangents)
  const [, pullback] = vjp(f, primals)
  const ct = pullback(cotangents)
  const bad = sameStructure(ct, primals, 'primals')
  if (bad !== undefined) return `vjp: the cotangent of the primals does not match them: ${bad}`
  const lhs = innerProduct(cotangents, jv)
  const rhs = innerProduct(ct, tangents)
  const err = Math.abs(lhs.value - rhs.value)
  const norms = Math.sqrt(innerProduct(cotangents, cotangents).value * innerProduct(tangents, tangents).value)
  const tol = rtol * (lhs.scale + rhs.scale + norms)
  if (err <= tol) return undefined
  return `⟨u, J·v⟩ = ${lhs.value} but ⟨Jᵀ·u, v⟩ = ${rhs.value} (|Δ| = ${err}, tolerance ${tol} = ${rtol}·(Σ|terms| + ‖u‖·‖v‖))`
}

/**
 * Tangents are linear: J·(a·v₁ + b·v₂) = a·J·v₁ + b·J·v₂ element by element, within `rtol`·(|a|·‖J·v₁‖∞ +
 * |b|·‖J·v₂‖∞ + |a|·‖v₁‖∞ + |b|·‖v₂‖∞). Default `rtol` 1e-9: the two sides round differently in every
 * operation of the JVP (a few ulps each, relative to the magnitudes combined), and a depth-6
 * program has a few dozen. The ‖v‖ terms (the scale for a Jacobian of norm 1) cover Jacobians
 * that are zero by cancellation and computed as rounding noise. A rule that is not linear in its
 * tangent (one that squares it, or adds a constant) fails.
 *
 * @category laws
 * @since 0.1.0
 */
export const tangentsAreLinear = <A extends readonly TreeT[]>(
  f: Differentiable<A>,
  primals: A,
  v1: A,
  v2: A,
  a: number,
  b: number,
  options: { readonly rtol?: number } = {},
): string | undefined => {
  const rtol = options.rtol ?? 1e-9
  const j1 = leafValues(jvp(f, primals, v1)[1])
  const j2 = leafValues(jvp(f, primals, v2)[1])
  const j12 = leafValues(jvp(f, primals, combine(a, v1, b, v2))[1])
  const norm = (ls: readonly { values: readonly number[] }[]) =>
    ls.reduce((m, l) => l.values.reduce((n, x) => Math.max(n, Math.abs(x)), m), 0)
  const tol = rtol * (Math.abs(a) * (norm(j1) + maxAbs(v1)) + Math.abs(b) * (norm(j2) + maxAbs(v2)))
  let worst: { err: number; message: string } | undefined
  j12.forEach((l, i) => {
    l.values.forEach((got, j) => {
      const want = a * (j1[i]?.values[j] ?? Number.NaN) + b * (j2[i]?.values[j] ?? Number.NaN)
      const err = Number.isNaN(got - want) ? Number.POSITIVE_INFINITY : Math.abs(got - want)
      if (err > tol && (worst === undefined || err > worst.err)) {
        worst = {
          err,
          message: `J·(a·v₁ + b·v₂) at ${l.path}[${j}] is ${got}, a·J·v₁ + b·J·v₂ is ${want} (a = ${a}, b = ${b}, tolerance ${tol})`,
        }
      }
    })
  })
  return worst?.message
}

/** The first element where two trees are not identical (NaN is identical to NaN; 0 is not −0). */
const firstDifference = (a: TreeT, b: TreeT): string | undefined => {
  const bad = sameStructure(a, b)
  if (bad !== undefined) return bad
  const lb = leafValues(b)
  for (const [i, l] of leafValues(a).entries()) {
    const other = lb[i]
    if (other === undefined || other.dtype !== l.dtype) return `${l.path} is ${l.dtype} in one and ${other?.dtype} in the other`
    const j = l.values.findIndex((x, k) => !Object.is(x, other.values[k]))
    if (j >= 0) return `${l.path}[${j}] is ${l.values[j]} in one and ${other.values[j]} in the other`
  }
  return undefined
}

/**
 * Transformations do not change values: `f(...primals)`, the primal output of `jvp` (with
 * `tangents`, default zeros) and that of `vjp` are bitwise identical (they run the same kernels on
 * the same data).
 *
 * @category laws
 * @since 0.1.0
 */
export const primalsAgree = <A extends readonly TreeT[]>(f: Differentiable<A>, primals: A, tangents?: A): string | undefined => {
  const y = f(...primals)
  const [yj] = jvp(f, primals, tangents ?? zerosLikeTree(primals))
  const [yv] = vjp(f, primals)
  const dj = firstDifference(y, yj)
  if (dj !== undefined) return `f(x) and jvp's primal output differ: ${dj}`
  const dv = firstDifference(y, yv)
  return dv === undefined ? undefined : `f(x) and vjp's primal output differ: ${dv}`
}

/**
 * A piecewise-constant `f` (comparisons, argmax, oneHot, floor, sign, stopGradient) has zero
 * derivatives: `jvp`'s tangent and `vjp`'s cotangents are exactly 0 everywhere.
 *
 * @category laws
 * @since 0.1.0
 */
export const derivativeIsZero = <A extends readonly TreeT[]>(
  f: Differentiable<A>,
  primals: A,
  tangents: A,
  cotangents: TreeT,
): string | undefined => {
  const nonzero = (what: string, tree: TreeT): string | undefined => {
    for (const l of leafValues(tree, what)) {
      const j = l.values.findIndex((x) => x !== 0)
      if (j >= 0) return `${l.path}[${j}] is ${l.values[j]}, expected 0`
    }
    return undefined
  }
  const [, jv] = jvp(f, primals, tangents)
  const [, pullback] = vjp(f, primals)
  return nonzero('tangent', jv) ?? nonzero('cotangent', pullback(cotangents))
}
