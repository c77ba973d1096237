/**
 * The WebAssembly SIMD matmul: `Backend.matmul` semantics (batched, broadcast batch dimensions,
 * transpose flags) over the packed, cache-blocked f64x2 kernel of `assembly/matmul.ts`.
 *
 * Each call copies its operands into the module's memory (an arena reused across calls, see
 * `wasmModule.ts`), except a right operand kept there from an earlier call (`keptOperands.ts`:
 * immutable weights, packed once), runs one kernel call per product of the batch, and copies the
 * result out into a fresh typed array: inputs are never written, and results never alias wasm
 * memory.
 *
 * {@link matmulWasm} sums in float64 and rounds a float32 result once, as the JavaScript kernel
 * does, so both are within the conformance tolerances of the reference (they differ only in
 * summation order). {@link matmulWasmFloat32Sums} sums float32 products in float32, for the
 * `cpuFast` backend.
 *
 * @since 0.1.0
 */
import type { Operand, Shape } from '@recur/core'
import { copyIn, keptCopy, keptPacked } from './keptOperands.js'
import { layoutOf } from './matmul.js'
import { align16, reserve, scratchStart, WasmMode, wasm } from './wasmModule.js'

/** The product on the WebAssembly kernel, float32 operands summed in float32 when `float32Sums`. */
const product = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
  float32Sums: boolean,
): Float32Array | Float64Array => {
  const { m, n, k, total, aOffsets, bOffsets, rows, products } = layoutOf(a, b, transposeA, outShape)
  const double = a.dtype === 'float64'
  if (total === 0 || k === 0) return double ? new Float64Array(total) : new Float32Array(total)
  const [ars, acs] = transposeA ? [1, m] : [k, 1]
  const [brs, bcs] = transposeB ? [1, k] : [n, 1]
  const size = double ? 8 : 4
  const mode = double ? WasmMode.f64 : float32Sums ? WasmMode.f32Sums : WasmMode.f32
  // one B for every product: it may be kept (packed, or copied for thin products) across calls
  const oneB = bOffsets.every((o) => o === 0)
  const packedB = oneB && rows >= wasm.packedMinRows ? keptPacked(b, mode, { brs, bcs, k, n }) : undefined
  const copiedB = oneB && packedB === undefined && rows < wasm.packedMinRows ? keptCopy(b) : undefined
  const work = scratchStart()
  const aAt = align16(work + wasm.workBytes(mode, rows, n, k))
  const bAt = align16(aAt + a.data.length * size)
  const cAt = align16(bAt + (packedB === undefined && copiedB === undefined ? b.data.length * size : 0))
  // one product whose padded scratch is its result: read it there (no output block, no copy)
  const direct = products === 1 && wasm.inScratch(mode, rows, n) !== 0
  const outAt = direct ? cAt : align16(cAt + wasm.scratchBytes(mode, rows, n))
  const buffer = reserve('matmul', direct ? cAt + wasm.scratchBytes(mode, rows, n) : outAt + total * size)
  copyIn(buffer, aAt, a.data, double)
  if (packedB === undefined && copiedB === undefined) copyIn(buffer, bAt, b.data, double)
  for (let t = 0; t < products; t++) {
    const aFrom = aAt + (aOffsets[t] ?? 0) * size
    const out = outAt + t * rows * n * size
    if (packedB !== undefined) wasm.gemmPacked(mode, aFrom, ars, acs, packedB, rows, n, k, work, cAt, out)
    else {
      const bFrom = (copiedB ?? bAt) + (bOffsets[t] ?? 0) * size
      wasm.gemm(mode, aFrom, ars, acs, bFrom, brs, bcs, rows, n, k, work, cAt, out)
    }
  }
  return double ? new Float64Array(buffer, outAt, total).slice() : new Float32Array(buffer, outAt, total).slice()
}

/**
 * Batched matrix product, as `Backend.matmul`, on the WebAssembly kernel: `a` is
 * `[...batchA, m, k]` (`[k, m]` with `transposeA`), `b` is `[...batchB, k, n]` (`[n, k]` with
 * `transposeB`), and the batch dimensions broadcast to those of `outShape = [...batch, m, n]`.
 * Returns a fresh array of `a.dtype`, whose entries are float64 sums rounded once for float32.
 *
 * @category kernels
 * @since 0.1.0
 */
export const matmulWasm = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array => product(a, b, transposeA, transposeB, outShape, false)

/**
 * {@link matmulWasm}, except that float32 products sum in float32: on a 4 × 8 f32x4 micro-kernel
 * (about 2.3× faster on large products), and with fewer than four rows on an f32x4 dot-product
 * kernel (about 2×). Each entry then errs by up to about k·ε₃₂·Σ|a·b| (instead of k·ε₆₄·Σ|a·b|),
 * as with a float32 BLAS. float64 products are as in {@link matmulWasm}.
 *
 * @category kernels
 * @since 0.1.0
 */
export const matmulWasmFloat32Sums = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array => product(a, b, transposeA, transposeB, outShape, true)
