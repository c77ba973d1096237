/**
 * The CPU `matmul` kernel: a cache-blocked, register-tiled matrix product (GotoBLAS-style) in
 * plain JavaScript.
 *
 * Layout of the computation for one matrix product C[m, n] = A[m, k] · B[k, n]:
 * - `jc` splits n into blocks of NC columns, `pc` splits k into blocks of KC, `ic` splits m into
 *   blocks of MC rows.
 * - Each KC × NC block of B is packed into NR-wide column strips, each MC × KC block of A into
 *   MR-tall row strips; both go into one Float64Array (`work`). Packing reads through strides, so
 *   transposed operands and both dtypes cost nothing extra, and every later read is sequential.
 * - The micro-kernel multiplies one MR-row strip by one NR-column strip over KC, keeping the
 *   MR × NR tile in local variables, and adds it into a float64 accumulator.
 * - Edge tiles read zero-padded strips and go through a small scratch tile.
 *
 * Accumulation is in float64 throughout; a float32 result is rounded once at the end.
 *
 * Packing and the micro-kernel are separate functions so that either (or the whole `matmul`)
 * can be replaced, e.g. by a WebAssembly SIMD micro-kernel, behind the same signature.
 *
 * Block sizes were measured on an x86-64 Xeon (48 KiB L1d, 2 MiB L2) with V8 (Node 20); see
 * `bench/matmul.ts`. The throughput is flat within ±5% over KC ∈ [128, 512], MC ∈ [32, 128],
 * NC ∈ [256, 4096] and tiles from 2×4 to 8×4: the scalar micro-kernel is bound by instruction
 * count, not by memory.
 *
 * @since 0.1.0
 */
import type { Operand, Shape } from '@recur/core'

/** Rows of the register tile. */
const MR = 2
/** Columns of the register tile. */
const NR = 4
/** Depth of a packed block: one KC × NR strip of B (8 KiB) stays in L1. */
const KC = 128
/** Rows of a packed block of A: MC × KC (128 KiB) stays in L2. */
const MC = 128
/** Columns of a packed block of B: KC × NC (2 MiB) bounds the scratch memory. */
const NC = 512

/**
 * Packing scratch: the packed block of A at `[0, MC·KC)`, the packed block of B after it. One
 * buffer, so the micro-kernel reads a single array. Never returned and never aliased by a result.
 */
let work = new Float64Array(0)
/** Scratch for edge tiles, row-major MR × NR. */
const edge = new Float64Array(MR * NR)

/**
 * A strided view of a matrix: element (row r, column c) is `data[offset + r·rs + c·cs]`.
 */
interface View {
  readonly data: Operand['data']
  readonly offset: number
  readonly rs: number
  readonly cs: number
}

/**
 * Packs rows `[i0, i0 + mc)` × columns `[p0, p0 + kc)` of `a` into `work` at 0, as strips of MR
 * rows: element (i, p) of strip s goes to `s·kc·MR + p·MR + (i mod MR)`. Rows past `mc` are 0.
 */
const packA = (a: View, i0: number, mc: number, p0: number, kc: number): void => {
  const { data, rs, cs } = a
  for (let s = 0; s < mc; s += MR) {
    const base = s * kc
    const h = Math.min(MR, mc - s)
    for (let ii = 0; ii < MR; ii++) {
      let dst = base + ii
      if (ii < h) {
        let src = a.offset + (i0 + s + ii) * rs + p0 * cs
        for (let p = 0; p < kc; p++, dst += MR, src += cs) work[dst] = data[src] ?? 0
      } else {
        for (let p = 0; p < kc; p++, dst += MR) work[dst] = 0
      }
    }
  }
}

/**
 * Packs rows `[p0, p0 + kc)` × columns `[j0, j0 + nc)` of `b` into `work` at `at`, as strips of
 * NR columns: element (p, j) of strip s goes to `at + s·kc·NR + p·NR + (j mod NR)`. Columns past
 * `nc` are 0.
 */
const packB = (b: View, p0: number, kc: number, j0: number, nc: number, at: number): void => {
  const { data, rs, cs } = b
  for (let s = 0; s < nc; s += NR) {
    const w = Math.min(NR, nc - s)
    let dst = at + s * kc
    for (let p = 0; p < kc; p++) {
      let src = b.offset + (p0 + p) * rs + (j0 + s) * cs
      let jj = 0
      for (; jj < w; jj++, src += cs) work[dst++] = data[src] ?? 0
      for (; jj < NR; jj++) work[dst++] = 0
    }
  }
}

/**
 * The micro-kernel: `c[ci + i·ldc + j] += Σ_p w[ia + p·MR + i] · w[ib + p·NR + j]` for the MR × NR
 * tile, over `kc` steps of a packed A strip (at `ia`) and a packed B strip (at `ib`) of `w`.
 * Index arithmetic uses `| 0` so V8 can drop overflow checks.
 */
const micro = (kc: number, w: Float64Array, ia: number, ib: number, c: Float64Array, ci: number, ldc: number): void => {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0
  for (let p = 0; p < kc; p++) {
    const b0 = w[ib] ?? 0, b1 = w[(ib + 1) | 0] ?? 0, b2 = w[(ib + 2) | 0] ?? 0, b3 = w[(ib + 3) | 0] ?? 0
    const a0 = w[ia] ?? 0
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
    const a1 = w[(ia + 1) | 0] ?? 0
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
    ia = (ia + MR) | 0
    ib = (ib + NR) | 0
  }
  let r = ci
  c[r] = (c[r] ?? 0) + c00; c[r + 1] = (c[r + 1] ?? 0) + c01; c[r + 2] = (c[r + 2] ?? 0) + c02; c[r + 3] = (c[r + 3] ?? 0) + c03
  r += ldc
  c[r] = (c[r] ?? 0) + c10; c[r + 1] = (c[r + 1] ?? 0) + c11; c[r + 2] = (c[r + 2] ?? 0) + c12; c[r + 3] = (c[r + 3] ?? 0) + c13
}

/**
 * Blocked product: `c[ci + i·n + j] += Σ_p A(i, p) · B(p, j)` for i < m, j < n, p < k, through
 * packing and the micro-kernel. `c` must hold zeros (or a partial sum) on entry.
 */
const gemmBlocked = (a: View, b: View, m: number, n: number, k: number, c: Float64Array, ci: number): void => {
  const aSize = Math.ceil(Math.min(MC, m) / MR) * MR * Math.min(KC, k)
  const need = aSize + Math.ceil(Math.min(NC, n) / NR) * NR * Math.min(KC, k)
  if (work.length < need) work = new Float64Array(need)
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc)
      packB(b, pc, kc, jc, nc, aSize)
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic)
        packA(a, ic, mc, pc, kc)
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr)
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir)
            const at = ci + (ic + ir) * n + jc + jr
            if (mr === MR && nr === NR) {
              micro(kc, work, ir * kc, aSize + jr * kc, c, at, n)
            } else {
              edge.fill(0)
              micro(kc, work, ir * kc, aSize + jr * kc, edge, 0, NR)
              for (let i = 0; i < mr; i++) {
                for (let j = 0; j < nr; j++) c[at + i * n + j] = (c[at + i * n + j] ?? 0) + (edge[i * NR + j] ?? 0)
              }
            }
          }
        }
      }
    }
  }
}

/** Row accumulator of {@link gemmRows}. */
let row = new Float64Array(0)

/**
 * Unpacked product for few rows, when b's rows are contiguous: row i of the result accumulates
 * a_ip · (row p of b), four p at a time, in float64, then is stored (and rounded) once into `out`
 * at `oi`.
 */
const gemmRows = (a: View, b: View, m: number, n: number, k: number, out: Float32Array | Float64Array, oi: number): void => {
  const ad = a.data, bd = b.data, { cs, rs } = a, step = b.rs
  if (row.length < n) row = new Float64Array(n)
  const r = row
  for (let i = 0; i < m; i++) {
    r.fill(0, 0, n)
    let p = 0, x = a.offset + i * rs, y = b.offset
    for (; p + 3 < k; p += 4, x += 4 * cs, y += 4 * step) {
      const s0 = ad[x] ?? 0, s1 = ad[x + cs] ?? 0, s2 = ad[x + 2 * cs] ?? 0, s3 = ad[x + 3 * cs] ?? 0
      const y1 = y + step, y2 = y1 + step, y3 = y2 + step
      for (let j = 0; j < n; j++) {
        r[j] = (r[j] ?? 0) + s0 * (bd[y + j] ?? 0) + s1 * (bd[y1 + j] ?? 0) + s2 * (bd[y2 + j] ?? 0) + s3 * (bd[y3 + j] ?? 0)
      }
    }
    for (; p < k; p++, x += cs, y += step) {
      const s0 = ad[x] ?? 0
      for (let j = 0; j < n; j++) r[j] = (r[j] ?? 0) + s0 * (bd[y + j] ?? 0)
    }
    for (let j = 0, o = oi + i * n; j < n; j++, o++) out[o] = r[j] ?? 0
  }
}

/**
 * Unpacked product for few columns, or few rows of a transposed b: one float64 dot product per
 * entry (four partial sums, for instruction-level parallelism), stored (and rounded) once into
 * `out` at `oi`.
 */
const gemmDots = (a: View, b: View, m: number, n: number, k: number, out: Float32Array | Float64Array, oi: number): void => {
  const ad = a.data, bd = b.data, ac = a.cs, br = b.rs
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0, x = a.offset + i * a.rs, y = b.offset + j * b.cs
      for (; p + 3 < k; p += 4, x += 4 * ac, y += 4 * br) {
        s0 += (ad[x] ?? 0) * (bd[y] ?? 0)
        s1 += (ad[x + ac] ?? 0) * (bd[y + br] ?? 0)
        s2 += (ad[x + 2 * ac] ?? 0) * (bd[y + 2 * br] ?? 0)
        s3 += (ad[x + 3 * ac] ?? 0) * (bd[y + 3 * br] ?? 0)
      }
      for (; p < k; p++, x += ac, y += br) s0 += (ad[x] ?? 0) * (bd[y] ?? 0)
      out[oi + i * n + j] = s0 + s1 + (s2 + s3)
    }
  }
}

/**
 * Element offset of the matrix at each batch index (row-major over `batch`) in an operand of
 * `shape`, whose batch dimensions broadcast to `batch` (a dimension of 1 repeats).
 */
const batchOffsets = (shape: Shape, batch: Shape, matrixSize: number): number[] => {
  const steps = new Array<number>(batch.length)
  let stride = matrixSize
  for (let d = batch.length - 1; d >= 0; d--) {
    const own = shape[d] ?? 1
    steps[d] = own === 1 ? 0 : stride
    stride *= own
  }
  let offsets = [0]
  for (let d = 0; d < batch.length; d++) {
    const dim = batch[d] ?? 1, step = steps[d] ?? 0, next: number[] = []
    for (const o of offsets) for (let t = 0; t < dim; t++) next.push(o + t * step)
    offsets = next
  }
  return offsets
}

/**
 * Batched matrix product (the `Backend.matmul` contract): `a` is `[...batchA, m, k]` (`[k, m]`
 * with `transposeA`), `b` is `[...batchB, k, n]` (`[n, k]` with `transposeB`), the batch
 * dimensions broadcast to those of `outShape = [...batch, m, n]`. The result is a fresh array of
 * `a.dtype`; entries are float64 sums, rounded once for float32.
 */
export const matmul = (a: Operand, b: Operand, transposeA: boolean, transposeB: boolean, outShape: Shape): Float32Array | Float64Array => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0, n = outShape[rank - 1] ?? 0
  const k = (transposeA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  let total = 1
  for (const d of outShape) total *= d
  const out = a.dtype === 'float32' ? new Float32Array(total) : new Float64Array(total)
  if (total === 0 || k === 0) return out
  const batch = outShape.slice(0, rank - 2)
  const aOffsets = batchOffsets(a.shape, batch, m * k), bOffsets = batchOffsets(b.shape, batch, k * n)
  const ars = transposeA ? 1 : k, acs = transposeA ? m : 1
  const brs = transposeB ? 1 : n, bcs = transposeB ? k : 1
  // When b is shared by every batch entry and a's matrices are stacked rows, the whole batch is
  // one (batch·m) × k by k × n product.
  const stacked = !transposeA && bOffsets.every((o) => o === 0) && aOffsets.every((o, t) => o === t * m * k)
  const rows = stacked ? aOffsets.length * m : m
  const products = stacked ? 1 : aOffsets.length
  // Thin products (measured): a few rows or columns pay more for packing than they gain.
  const byRows = bcs === 1 && n > 1
  const thin = rows < (byRows ? 8 : 4) || n < 4
  const acc = thin || out instanceof Float64Array ? out : new Float64Array(total)
  for (let t = 0; t < products; t++) {
    const av = { data: a.data, offset: aOffsets[t] ?? 0, rs: ars, cs: acs }
    const bv = { data: b.data, offset: bOffsets[t] ?? 0, rs: brs, cs: bcs }
    if (!thin) gemmBlocked(av, bv, rows, n, k, acc, t * rows * n)
    else if (byRows) gemmRows(av, bv, rows, n, k, out, t * rows * n)
    else gemmDots(av, bv, rows, n, k, out, t * rows * n)
  }
  if (acc !== out) out.set(acc)
  return out
}
