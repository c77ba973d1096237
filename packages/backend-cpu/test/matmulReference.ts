/**
 * Test helpers shared by the matmul kernel tests (`matmul.test.ts` for the JavaScript kernel,
 * `matmulWasm.test.ts` for the WebAssembly one): deterministic operands, the naive float64
 * definition with its error bound, and a checker for any kernel of `Backend.matmul`'s signature.
 */
import type { DType, Operand, Shape } from '@recur/core'
import { expect } from 'vitest'

/** A kernel with the signature of `Backend.matmul`. */
export type MatmulKernel = (a: Operand, b: Operand, tA: boolean, tB: boolean, outShape: Shape) => Float32Array | Float64Array

/** A small deterministic PRNG (mulberry32), so large inputs need not come from fast-check. */
export const prng = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sizeOf = (shape: Shape): number => shape.reduce((x, y) => x * y, 1)

/** An operand of `shape` filled from `next`: mostly uniform in [-2, 2), sometimes small integers. */
export const operand = (dtype: DType, shape: Shape, next: () => number): Operand => {
  const length = sizeOf(shape)
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)
  for (let i = 0; i < length; i++) data[i] = next() < 0.1 ? Math.floor(next() * 7) - 3 : next() * 4 - 2
  return { shape, dtype, data }
}

const at = (data: Operand['data'], i: number): number => data[i] ?? Number.NaN

/**
 * The naive definition, in float64: for every output entry the sum Σ_p a_ip·b_pj (in order p =
 * 0, 1, …) and the magnitude Σ_p |a_ip·b_pj| that bounds its rounding error.
 */
export const reference = (a: Operand, b: Operand, tA: boolean, tB: boolean, outShape: Shape) => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0,
    n = outShape[rank - 1] ?? 0
  const k = (tA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  const batch = outShape.slice(0, rank - 2)
  const count = sizeOf(batch)
  const value = new Float64Array(count * m * n),
    magnitude = new Float64Array(count * m * n)
  for (let t = 0; t < count; t++) {
    // Row-major batch index → offsets of a's and b's matrices, repeating dimensions of size 1.
    let rest = t,
      aOff = 0,
      bOff = 0,
      aStride = m * k,
      bStride = k * n
    for (let d = batch.length - 1; d >= 0; d--) {
      const dim = batch[d] ?? 1,
        idx = rest % dim
      rest = Math.floor(rest / dim)
      const ad = a.shape[d] ?? 1,
        bd = b.shape[d] ?? 1
      if (ad !== 1) aOff += idx * aStride
      if (bd !== 1) bOff += idx * bStride
      aStride *= ad
      bStride *= bd
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0,
          abs = 0
        for (let p = 0; p < k; p++) {
          const x = at(a.data, aOff + (tA ? p * m + i : i * k + p))
          const y = at(b.data, bOff + (tB ? j * k + p : p * n + j))
          s += x * y
          abs += Math.abs(x * y)
        }
        value[t * m * n + i * n + j] = s
        magnitude[t * m * n + i * n + j] = abs
      }
    }
  }
  return { value, magnitude, k }
}

/**
 * Checks `matmul` against {@link reference}.
 *
 * Tolerances. Any summation order of k products in float64 is within γ_k·Σ|a·b| of the exact sum,
 * γ_k = k·2⁻⁵³/(1 − k·2⁻⁵³) (Higham, Accuracy and Stability of Numerical Algorithms, §3.1), so the
 * kernel's sum S and the naive sum N differ by δ ≤ 2γ_k·Σ ≈ k·2⁻⁵²·Σ; we allow 8·k·2⁻⁵²·Σ. For k = 0
 * this demands exact zeros.
 *
 * float32: the inputs are float32 values, exact in float64; the kernel returns fl32(S), we expect
 * X = fl32(N). Rounding is monotone, so when fl32(S) ≠ fl32(N) a float32 rounding boundary lies
 * within δ of both, and (δ being far below a float32 ulp) the two are adjacent float32 numbers,
 * which differ by at most 2⁻²³·|X|. Near zero, where ulps stop scaling with |X|, the results are
 * within δ plus the rounding of S, which the generous 8·k·2⁻⁵²·Σ term covers.
 */
export const check = (matmul: MatmulKernel, a: Operand, b: Operand, tA: boolean, tB: boolean, outShape: Shape): void => {
  const out = matmul(a, b, tA, tB, outShape)
  const { value, magnitude, k } = reference(a, b, tA, tB, outShape)
  expect(out).toBeInstanceOf(a.dtype === 'float32' ? Float32Array : Float64Array)
  expect(out.length).toBe(value.length)
  expect(out).not.toBe(a.data)
  expect(out).not.toBe(b.data)
  let worst = 0,
    worstAt = -1
  for (let i = 0; i < value.length; i++) {
    const expected = a.dtype === 'float32' ? Math.fround(value[i] ?? 0) : (value[i] ?? 0)
    const tolerance = (a.dtype === 'float32' ? 2 ** -23 * Math.abs(expected) : 0) + 8 * k * 2 ** -52 * (magnitude[i] ?? 0)
    const excess = Math.abs((out[i] ?? Number.NaN) - expected) - tolerance
    if (!(excess <= 0) && (worstAt < 0 || excess > worst || Number.isNaN(excess))) [worst, worstAt] = [excess, i]
  }
  if (worstAt >= 0) {
    const detail = `entry ${worstAt}: got ${out[worstAt]}, expected ${value[worstAt]} (Σ|ab| = ${magnitude[worstAt]})`
    expect.fail(`${a.dtype} [${a.shape}]${tA ? 'ᵀ' : ''} · [${b.shape}]${tB ? 'ᵀ' : ''}: ${detail}`)
  }
}

/** Shapes of a and b for an [m, k] · [k, n] product with the given transpose flags. */
export const shapes = (batchA: Shape, batchB: Shape, m: number, n: number, k: number, tA: boolean, tB: boolean) => ({
  aShape: [...batchA, ...(tA ? [k, m] : [m, k])],
  bShape: [...batchB, ...(tB ? [n, k] : [k, n])],
})

/** One case: operands of both dtypes built from a seed. */
export const run = (
  matmul: MatmulKernel,
  dtype: DType,
  seed: number,
  batchA: Shape,
  batchB: Shape,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
): void => {
  const next = prng(seed)
  const { aShape, bShape } = shapes(batchA, batchB, m, n, k, tA, tB)
  const batch = batchA.map((d, i) => (d === 1 ? (batchB[i] ?? 1) : d))
  check(matmul, operand(dtype, aShape, next), operand(dtype, bShape, next), tA, tB, [...batch, m, n])
}
