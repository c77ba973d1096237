/**
 * The thin Q factor of a QR decomposition by blocked Householder reflections (LAPACK's `geqrf` +
 * `orgqr` in the compact WY form): panels of `nb` columns are factored by plain loops, and the
 * trailing matrix and Q are updated by three matrix products per panel on the backend's `matmul`
 * kernel, where almost all of the O(m·n²) work happens.
 *
 * Storage: an `m × n` matrix (m ≥ n) is held column-major, i.e. as the row-major `n × m` array of
 * its transpose, so that every column is a contiguous run for the panel loops and every block
 * update is a row-major matmul.
 *
 * @since 0.1.0
 */
import type { Backend } from '@recur/core'

/** Panel width: wide enough that the block updates dominate, narrow enough for the panel loops. */
const panelWidth = 32

/** `a (r × k) · b`, b `(k × c)` or, with `transposeB`, `(c × k)`: a fresh row-major `r × c` array. */
const product = (
  backend: Backend,
  a: Float64Array,
  b: Float64Array,
  [r, k, c]: readonly [number, number, number],
  transposeB: boolean,
): Float64Array => {
  const out = backend.matmul(
    { shape: [r, k], dtype: 'float64', data: a },
    { shape: transposeB ? [c, k] : [k, c], dtype: 'float64', data: b },
    false,
    transposeB,
    [r, c],
  )
  return out instanceof Float64Array ? out : Float64Array.from(out)
}

/** Rows `first…first+count−1`, entries `from…m−1` of the row-major `· × m` array `at`, packed. */
const block = (at: Float64Array, m: number, first: number, count: number, from: number): Float64Array => {
  const w = m - from
  const out = new Float64Array(count * w)
  for (let j = 0; j < count; j++) out.set(at.subarray((first + j) * m + from, (first + j + 1) * m), j * w)
  return out
}

/** `at[rows, from…] −= d` for the packed block `d` of {@link block}'s layout. */
const subtractBlock = (at: Float64Array, m: number, first: number, count: number, from: number, d: Float64Array): void => {
  const w = m - from
  for (let j = 0; j < count; j++) {
    const row = (first + j) * m + from
    for (let i = 0; i < w; i++) at[row + i] = (at[row + i] ?? 0) - (d[j * w + i] ?? 0)
  }
}

/**
 * One panel: Householder vectors of columns `k0…k0+b−1` (rows `k0…m−1`), applied within the panel.
 * Returns the vectors `vt` (`b × (m−k0)`, row j = v_j with v_j[k0+j] = 1 and zeros above), their
 * factors `tau`, and the signs of R's diagonal.
 */
const factorPanel = (at: Float64Array, m: number, k0: number, b: number) => {
  const w = m - k0
  const vt = new Float64Array(b * w)
  const tau = new Float64Array(b)
  const signs = new Float64Array(b)
  for (let j = 0; j < b; j++) {
    const col = (k0 + j) * m
    const top = k0 + j
    let norm2 = 0
    for (let i = top; i < m; i++) norm2 += (at[col + i] ?? 0) ** 2
    const x0 = at[col + top] ?? 0
    const beta = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2)
    signs[j] = beta < 0 ? -1 : 1
    const v = vt.subarray(j * w, (j + 1) * w)
    v[top - k0] = 1
    if (norm2 === 0) continue // a zero column: H = I (tau 0), R[j][j] = 0
    const scale = 1 / (x0 - beta)
    for (let i = top + 1; i < m; i++) v[i - k0] = (at[col + i] ?? 0) * scale
    const t = (beta - x0) / beta
    tau[j] = t
    // apply H_j = I − t·v·vᵀ to the panel's later columns
    for (let l = j + 1; l < b; l++) {
      const cl = (k0 + l) * m
      let dot = 0
      for (let i = top; i < m; i++) dot += (v[i - k0] ?? 0) * (at[cl + i] ?? 0)
      const f = t * dot
      for (let i = top; i < m; i++) at[cl + i] = (at[cl + i] ?? 0) - f * (v[i - k0] ?? 0)
    }
  }
  return { vt, tau, signs }
}

/** The upper-triangular T (`b × b`, row-major) with H_0 ⋯ H_{b−1} = I − V·T·Vᵀ (LAPACK `larft`). */
const triangularFactor = (vt: Float64Array, tau: Float64Array, b: number, w: number): Float64Array => {
  const t = new Float64Array(b * b)
  for (let j = 0; j < b; j++) {
    const tj = tau[j] ?? 0
    t[j * b + j] = tj
    if (tj === 0) continue
    // z = −tau_j · T[0:j, 0:j] · (V[:, 0:j]ᵀ v_j)
    const y = new Float64Array(j)
    for (let l = 0; l < j; l++) {
      let dot = 0
      for (let i = 0; i < w; i++) dot += (vt[l * w + i] ?? 0) * (vt[j * w + i] ?? 0)
      y[l] = dot
    }
    for (let r = 0; r < j; r++) {
      let s = 0
      for (let l = r; l < j; l++) s += (t[r * b + l] ?? 0) * (y[l] ?? 0)
      t[r * b + j] = -tj * s
    }
  }
  return t
}

/**
 * The first `n` columns of Q in `A = Q·R` for the `m × n` matrix `a` (m ≥ n; column-major, i.e. the
 * row-major `n × m` array of Aᵀ; not modified), with each column's sign chosen so that R's diagonal
 * is non-negative — the uniformly distributed (Haar) orthonormal frame when `a` is Gaussian.
 * Returns Q column-major (the row-major `n × m` array of Qᵀ).
 */
export const thinQ = (backend: Backend, a: Float64Array, m: number, n: number): Float64Array => {
  const at = Float64Array.from(a)
  const panels: { k0: number; b: number; vt: Float64Array; t: Float64Array }[] = []
  const signs = new Float64Array(n)
  for (let k0 = 0; k0 < n; k0 += panelWidth) {
    const b = Math.min(panelWidth, n - k0)
    const w = m - k0
    const panel = factorPanel(at, m, k0, b)
    signs.set(panel.signs, k0)
    const t = triangularFactor(panel.vt, panel.tau, b, w)
    panels.push({ k0, b, vt: panel.vt, t })
    const rest = n - k0 - b
    if (rest === 0) continue
    // C ← (I − V·T·Vᵀ)ᵀ·C, in transposed form: Cᵗ −= (Cᵗ·V·T)·Vᵀ
    const ct = block(at, m, k0 + b, rest, k0)
    const wt = product(backend, product(backend, ct, panel.vt, [rest, w, b], true), t, [rest, b, b], false)
    subtractBlock(at, m, k0 + b, rest, k0, product(backend, wt, panel.vt, [rest, b, w], false))
  }
  // Q = H_0 ⋯ H_{n−1}·[I; 0], the last panel first: Qᵗ_sub −= (Qᵗ_sub·V·Tᵀ)·Vᵀ
  const qt = new Float64Array(n * m)
  for (let j = 0; j < n; j++) qt[j * m + j] = 1
  for (let p = panels.length - 1; p >= 0; p--) {
    const { k0, vt, t, b } = panels[p] ?? { k0: 0, vt: new Float64Array(0), t: new Float64Array(0), b: 0 }
    const w = m - k0
    const cols = n - k0 // columns j < k0 are still e_j: no later reflection touches them
    const sub = block(qt, m, k0, cols, k0)
    const wt = product(backend, product(backend, sub, vt, [cols, w, b], true), t, [cols, b, b], true)
    subtractBlock(qt, m, k0, cols, k0, product(backend, wt, vt, [cols, b, w], false))
  }
  for (let j = 0; j < n; j++) if ((signs[j] ?? 1) < 0) for (let i = 0; i < m; i++) qt[j * m + i] = -(qt[j * m + i] ?? 0)
  return qt
}
