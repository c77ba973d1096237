/**
 * The `cpu` backend's `matmul`: the WebAssembly SIMD kernel (`matmulWasm.ts`) for products large
 * enough to pay for copying the operands into wasm memory, the JavaScript kernel (`matmul.ts`)
 * below that. Both sum in float64 and round a float32 result once, so the choice changes only the
 * summation order, never the contract.
 *
 * The crossover was measured on Node 20 (x86-64, `bench/matmul.ts` and a sweep of small shapes):
 * from about 8³ multiply-adds per call the WebAssembly kernel is faster (2× at 8³, 3–4× from 16³,
 * 4–5× for vector–matrix products such as `[1, 128] · [512, 128]ᵀ`); below that the copies cost
 * as much as they save. Products with a single column (matrix–vector, dot products) stay in
 * JavaScript: the WebAssembly kernel pads columns to its 4-wide tile, and measured no faster.
 *
 * @since 0.1.0
 */
import type { Operand, Shape } from '@recur/core'
import { matmul as matmulJs } from './matmul.js'
import { matmulWasm, matmulWasmFloat32Sums } from './matmulWasm.js'

/** Multiply-adds per call from which the WebAssembly kernel runs. */
const MIN_WORK = 8 ** 3

/** Whether a product is large enough for the WebAssembly kernel, and has more than one column. */
const useWasm = (a: Operand, transposeA: boolean, outShape: Shape): boolean => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0
  const n = outShape[rank - 1] ?? 0
  const k = (transposeA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  let count = 1
  for (let d = 0; d < rank - 2; d++) count *= outShape[d] ?? 1
  return usesWasm(count * m, n, k)
}

/**
 * Whether a product of `rows` (all batch entries) × `k` by `k` × `n` runs on the WebAssembly
 * kernel (else on the JavaScript one, float64 sums): enough work to pay for the copies.
 *
 * @category internal
 * @since 0.1.0
 */
export const usesWasm = (rows: number, n: number, k: number): boolean => n >= 2 && rows * n * k >= MIN_WORK

/**
 * Batched matrix product, as `Backend.matmul`: `a` is `[...batchA, m, k]` (`[k, m]` with
 * `transposeA`), `b` is `[...batchB, k, n]` (`[n, k]` with `transposeB`), and the batch dimensions
 * broadcast to those of `outShape = [...batch, m, n]`. Returns a fresh array of `a.dtype`, whose
 * entries are float64 sums rounded once for float32.
 *
 * @category kernels
 * @since 0.1.0
 */
export const matmul = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array =>
  (useWasm(a, transposeA, outShape) ? matmulWasm : matmulJs)(a, b, transposeA, transposeB, outShape)

/**
 * {@link matmul} for the `cpuFast` backend: the same choice, with float32 sums for float32
 * products of at least four rows on the WebAssembly kernel (see `matmulWasmFloat32Sums`).
 *
 * @category kernels
 * @since 0.1.0
 */
export const matmulFast = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array =>
  (useWasm(a, transposeA, outShape) ? matmulWasmFloat32Sums : matmulJs)(a, b, transposeA, transposeB, outShape)
