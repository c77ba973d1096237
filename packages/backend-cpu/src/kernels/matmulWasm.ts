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
import { copyIn, copyRun, keptCopy, keptPacked } from './keptOperands.js'
import { layoutOf } from './matmul.js'
import { team } from './threads.js'
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
  // a right operand too large for one block of memory, against a smaller left one: C is computed
  // as (op(B)ᵀ·op(A)ᵀ)ᵀ, whose large operand is on the left, taken in blocks of rows. Each entry
  // sums the same products in the same order, so the bits are the same.
  if (products === 1 && a.shape.length === 2 && b.shape.length === 2 && rows >= wasm.packedMinRows && n >= wasm.packedMinRows) {
    if (b.data.length * size > BLOCK_BYTES && b.data.length > a.data.length)
      return transposed(product(b, a, !transposeB, !transposeA, [n, m], float32Sums), n, m)
  }
  const layout = { m, n, k, total, aOffsets, bOffsets, rows, products }
  // a transposed A too large for one block (a weight gradient over a long sequence): in parts over k
  if (transposeA && rows >= wasm.packedMinRows && (a.data.length + b.data.length) * size > BLOCK_BYTES && k > 2 * KC())
    return inParts(a, b, transposeB, mode, layout)
  // one B for every product: it may be kept (packed, or copied for thin products) across calls
  const oneB = bOffsets.every((o) => o === 0)
  const packedB = oneB && rows >= wasm.packedMinRows ? keptPacked(b, mode, { brs, bcs, k, n }) : undefined
  const copiedB = oneB && packedB === undefined && rows < wasm.packedMinRows ? keptCopy(b) : undefined
  const block = transposeA ? rows : rowBlock(rows, n, k, size)
  if (block < rows) return inBlocks(a, b, [brs, bcs], mode, block, layout, packedB)
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
    if (packedB !== undefined) team().gemmPacked(mode, aFrom, ars, acs, packedB, rows, n, k, work, cAt, out)
    else {
      const bFrom = (copiedB ?? bAt) + (bOffsets[t] ?? 0) * size
      team().gemm(mode, aFrom, ars, acs, bFrom, brs, bcs, rows, n, k, work, cAt, out)
    }
  }
  return double ? new Float64Array(buffer, outAt, total).slice() : new Float32Array(buffer, outAt, total).slice()
}

/**
 * A product whose rows of A and of the result would take more than this much WebAssembly memory
 * runs in blocks of rows: the module's memory, which never shrinks, stays bounded (a head over a
 * long sequence is a 32,000-row product), for a copy of each block in and out.
 */
const BLOCK_BYTES = 8 * 2 ** 20

/** Rows per block: all of them when they fit in {@link BLOCK_BYTES}, else balanced blocks of a multiple of 4 rows (at least 64). */
const rowBlock = (rows: number, n: number, k: number, size: number): number => {
  const perRow = (k + 3 * n) * size // a row of A, of the padded scratch (at most 2n) and of the result
  if (rows * perRow <= BLOCK_BYTES) return rows
  const most = Math.max(64, Math.floor(BLOCK_BYTES / perRow / 4) * 4)
  const blocks = Math.ceil(rows / most)
  return Math.min(rows, Math.ceil(rows / blocks / 4) * 4)
}

/** The (cols × rows) transpose of the row-major (rows × cols) `x`. */
const transposed = <T extends Float32Array | Float64Array>(x: T, rows: number, cols: number): Float32Array | Float64Array => {
  const out = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j] ?? 0
  return out
}

type Layout = Pick<ReturnType<typeof layoutOf>, 'm' | 'n' | 'k' | 'total' | 'aOffsets' | 'bOffsets' | 'rows' | 'products'>

/**
 * {@link product} (A not transposed) one block of `block` rows at a time: each block of A is
 * copied in, multiplied, and its rows of the result copied out. Every entry sums the same products
 * in the same order as in one call (the micro-kernel's blocking over k does not depend on the
 * rows), so the bits are the same.
 */
const inBlocks = (
  a: Operand,
  b: Operand,
  [brs, bcs]: readonly [number, number],
  mode: WasmMode,
  block: number,
  layout: Layout,
  packedB: number | undefined,
): Float32Array | Float64Array => {
  const { n, k, total, aOffsets, bOffsets, rows, products } = layout
  const double = mode === WasmMode.f64
  const size = double ? 8 : 4
  const result = double ? new Float64Array(total) : new Float32Array(total)
  const work = scratchStart()
  const aAt = align16(work + wasm.workBytes(mode, block, n, k))
  const bAt = align16(aAt + block * k * size)
  const cAt = align16(bAt + (packedB === undefined ? b.data.length * size : 0))
  const outAt = align16(cAt + wasm.scratchBytes(mode, block, n))
  const buffer = reserve('matmul', outAt + block * n * size)
  if (packedB === undefined) copyIn(buffer, bAt, b.data, double)
  for (let t = 0; t < products; t++) {
    const from = aOffsets[t] ?? 0
    for (let r0 = 0; r0 < rows; r0 += block) {
      const rc = Math.min(block, rows - r0)
      copyRun(buffer, aAt, a.data, from + r0 * k, rc * k, double)
      const [ars, acs] = [k, 1]
      const direct = wasm.inScratch(mode, rc, n) !== 0
      const out = direct ? cAt : outAt
      if (packedB !== undefined) team().gemmPacked(mode, aAt, ars, acs, packedB, rc, n, k, work, cAt, out)
      else team().gemm(mode, aAt, ars, acs, bAt + (bOffsets[t] ?? 0) * size, brs, bcs, rc, n, k, work, cAt, out)
      result.set(double ? new Float64Array(buffer, out, rc * n) : new Float32Array(buffer, out, rc * n), (t * rows + r0) * n)
    }
  }
  return result
}

/** The kernel's block depth over k (`assembly/matmul.ts`): parts over k are multiples of it. */
const KC = (): number => wasm.exported('kcBlock')()

/**
 * {@link product} for a transposed A, `(k × m)` per product, in parts of the k terms, each a
 * multiple of the kernel's block depth: the rows `[p0, p1)` of A and of B (for a transposed B, its
 * columns) are copied in and their products added to the accumulator (`gemmPart`), which is
 * zeroed by the first part and written out by the last. Each entry adds its block sums in the same
 * order as in one call, so the bits are the same.
 */
const inParts = (a: Operand, b: Operand, transposeB: boolean, mode: WasmMode, layout: Layout): Float32Array | Float64Array => {
  const { m, n, k, total, aOffsets, bOffsets, products } = layout
  const double = mode === WasmMode.f64
  const size = double ? 8 : 4
  const kc = KC()
  const part = Math.max(kc, Math.floor(BLOCK_BYTES / ((m + n) * size) / kc) * kc)
  const result = double ? new Float64Array(total) : new Float32Array(total)
  const work = scratchStart()
  const aAt = align16(work + wasm.workBytes(mode, m, n, part))
  const bAt = align16(aAt + part * m * size)
  const cAt = align16(bAt + part * n * size)
  const direct = wasm.inScratch(mode, m, n) !== 0
  const outAt = direct ? cAt : align16(cAt + wasm.scratchBytes(mode, m, n))
  const buffer = reserve('matmul', direct ? cAt + wasm.scratchBytes(mode, m, n) : outAt + m * n * size)
  for (let t = 0; t < products; t++) {
    const [aFrom, bFrom] = [aOffsets[t] ?? 0, bOffsets[t] ?? 0]
    for (let p0 = 0; p0 < k; p0 += part) {
      const kp = Math.min(part, k - p0)
      copyRun(buffer, aAt, a.data, aFrom + p0 * m, kp * m, double)
      if (!transposeB) copyRun(buffer, bAt, b.data, bFrom + p0 * n, kp * n, double)
      else for (let j = 0; j < n; j++) copyRun(buffer, bAt + j * kp * size, b.data, bFrom + j * k + p0, kp, double)
      const [brs, bcs] = transposeB ? [1, kp] : [n, 1]
      const out = direct ? cAt : outAt
      team().gemmPart(mode, aAt, 1, m, bAt, brs, bcs, m, n, kp, work, cAt, out, p0 === 0 ? 1 : 0, p0 + kp >= k ? 1 : 0)
    }
    const out = direct ? cAt : outAt
    result.set(double ? new Float64Array(buffer, out, m * n) : new Float32Array(buffer, out, m * n), t * m * n)
  }
  return result
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
