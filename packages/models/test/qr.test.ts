/**
 * The blocked Householder QR (`qr.ts`) against the simplest correct model: one reflection at a
 * time, each applied column by column (the unblocked algorithm recur used before). Both compute
 * the same Q in exact arithmetic; in float64 they differ by rounding only, well below 1e-12 for
 * these sizes (a few ulps per inner product of ≤ 200 terms, over ≤ 100 reflections).
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { Random } from '@recur/core'
import { describe, expect } from 'vitest'
import { thinQ } from '../src/qr.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`blocked QR: seed ${seed}\n`)

/** Unblocked Householder QR of the column-major m × n matrix; Q column-major, diag(R) ≥ 0. */
const unblockedQ = (a0: Float64Array, m: number, n: number): Float64Array => {
  const a = Float64Array.from(a0)
  const vs: Float64Array[] = []
  const signs: number[] = []
  const reflect = (v: Float64Array, col: Float64Array, k: number): void => {
    const vv = v.reduce((s, x) => s + x * x, 0)
    if (vv === 0) return
    let dot = 0
    for (let i = 0; i < v.length; i++) dot += (v[i] ?? 0) * (col[k + i] ?? 0)
    for (let i = 0; i < v.length; i++) col[k + i] = (col[k + i] ?? 0) - ((2 * dot) / vv) * (v[i] ?? 0)
  }
  for (let k = 0; k < n; k++) {
    const ak = a.subarray(k * m, (k + 1) * m)
    const norm = Math.sqrt(ak.subarray(k).reduce((s, x) => s + x * x, 0))
    const alpha = (ak[k] ?? 0) >= 0 ? -norm : norm
    signs.push(alpha < 0 ? -1 : 1)
    const v = ak.slice(k)
    v[0] = (v[0] ?? 0) - alpha
    vs.push(v)
    for (let j = k; j < n; j++) reflect(v, a.subarray(j * m, (j + 1) * m), k)
  }
  const q = new Float64Array(m * n)
  for (let j = 0; j < n; j++) q[j * m + j] = 1
  for (let k = n - 1; k >= 0; k--)
    for (let j = k; j < n; j++) reflect(vs[k] ?? new Float64Array(0), q.subarray(j * m, (j + 1) * m), k)
  for (let j = 0; j < n; j++) if ((signs[j] ?? 1) < 0) for (let i = 0; i < m; i++) q[j * m + i] = -(q[j * m + i] ?? 0)
  return q
}

const gaussian = (s: number, size: number): Float64Array =>
  Float64Array.from(Random.normal(Random.key(s), [size], { dtype: 'float64', backend: cpu }).toTypedArray())

const worst = (a: Float64Array, b: Float64Array): number => a.reduce((w, x, i) => Math.max(w, Math.abs(x - (b[i] ?? 0))), 0)

/** max |QᵀQ − I| for column-major Q (m × n). */
const offOrthonormal = (q: Float64Array, m: number, n: number): number => {
  let w = 0
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let dot = 0
      for (let r = 0; r < m; r++) dot += (q[i * m + r] ?? 0) * (q[j * m + r] ?? 0)
      w = Math.max(w, Math.abs(dot - (i === j ? 1 : 0)))
    }
  return w
}

// sizes around the panel width (32): one panel, exactly one, one and a bit, several
const dims = fc.constantFrom(1, 2, 5, 31, 32, 33, 64, 65, 97)

describe('blocked Householder QR', () => {
  test.prop([dims, dims, fc.nat(1000)], { seed, numRuns: 40 })(
    'equals the unblocked algorithm and is orthonormal',
    (d1, d2, s) => {
      const [m, n] = d1 >= d2 ? [d1, d2] : [d2, d1]
      const a = gaussian(s, m * n)
      const q = thinQ(cpu, a, m, n)
      expect(worst(q, unblockedQ(a, m, n))).toBeLessThan(1e-12)
      expect(offOrthonormal(q, m, n)).toBeLessThan(1e-13)
    },
  )

  test.prop([fc.constantFrom(33, 70), fc.nat(1000)], { seed, numRuns: 10 })('Q·R rebuilds A with diag(R) ≥ 0', (m, s) => {
    const n = 40
    const a = gaussian(s, m * n)
    const q = thinQ(cpu, a, Math.max(m, n), Math.min(m, n))
    const [mm, nn] = [Math.max(m, n), Math.min(m, n)]
    // R = Qᵀ A must be upper triangular with a non-negative diagonal
    for (let i = 0; i < nn; i++)
      for (let j = 0; j < nn; j++) {
        let r = 0
        for (let k = 0; k < mm; k++) r += (q[i * mm + k] ?? 0) * (a[j * mm + k] ?? 0)
        if (i > j) expect(Math.abs(r)).toBeLessThan(1e-12)
        if (i === j) expect(r).toBeGreaterThanOrEqual(0)
      }
  })

  test('a rank-deficient input (a zero column) still gives finite, orthonormal columns where defined', () => {
    const m = 6
    const n = 3
    const a = gaussian(3, m * n)
    a.fill(0, m, 2 * m) // column 1 is zero
    const q = thinQ(cpu, a, m, n)
    expect(q.every(Number.isFinite)).toBe(true)
    expect(worst(q, unblockedQ(a, m, n))).toBeLessThan(1e-12)
  })

  test('does not modify its input', () => {
    const a = gaussian(4, 40 * 35)
    const copy = Float64Array.from(a)
    thinQ(cpu, a, 40, 35)
    expect(a).toEqual(copy)
  })
})
