/**
 * The `cpu` backend's `matmul`: the WebAssembly SIMD kernel (`matmulWasm.ts`) for products large
 * enough to pay for copying the operands into wasm memory, the JavaScript kernel (`matmul.ts`)
 * below that. Both sum in float64 and round a float32 result once, so the choice changes only the
 * summation order, never the contract.
 *
 * The crossover was measured with `bench/matmul.ts` on Node 20 (x86-64): from about 16³ flops per
 * call and at least two rows and two columns the WebAssembly kernel is faster (2× at 16³, 3–4× from
 * 32³); single-row or single-column products (vector–matrix, dot products) gain nothing from
 * packing and stay in JavaScript.
 *
 * @since 0.1.0
 */
import type { Operand, Shape } from '@recur/core'
import { matmul as matmulJs } from './matmul.js'
import { matmulWasm } from './matmulWasm.js'

/** Multiply-adds per call from which the WebAssembly kernel runs. */
const MIN_WORK = 16 ** 3

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
): Float32Array | Float64Array => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0
  const n = outShape[rank - 1] ?? 0
  const k = (transposeA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  let count = 1
  for (let d = 0; d < rank - 2; d++) count *= outShape[d] ?? 1
  const wide = m * count >= 2 && n >= 2
  return (wide && count * m * n * k >= MIN_WORK ? matmulWasm : matmulJs)(a, b, transposeA, transposeB, outShape)
}
