/**
 * The CPU `matmul` kernel: a cache-blocked, register-tiled matrix product (GotoBLAS-style) in
 * plain JavaScript.
 *
 * One product C[m, n] += A[m, k] · B[k, n] runs as:
 * - `jc` splits n into blocks of NC columns, `pc` splits k into blocks of KC, `ic` splits m into
 *   blocks of MC rows;
 * - each KC × NC block of B is packed into NR-wide column strips and each MC × KC block of A into
 *   MR-tall row strips, both in one Float64Array (`work`). Packing reads through strides, so
 *   transposed operands and both dtypes cost nothing extra, and the micro-kernel reads a single,
 *   monomorphic Float64Array sequentially;
 * - the micro-kernel multiplies one A strip by one B strip over the KC block, holding the MR × NR
 *   tile in local variables, and adds the tile into a float64 accumulator. Edge tiles read
 *   zero-padded strips and go through a small scratch tile.
 *
 * Sums are float64 throughout; a float32 result is rounded once, at the end. Products with very
 * few rows or columns skip packing (see {@link gemmRows} and {@link gemmDots}).
 *
 * The `cpu` backend runs this kernel for small products and single-column ones only; the others go
 * to the WebAssembly SIMD kernel (`matmulWasm.ts`, same sums in float64), see `matmulCpu.ts`.
 *
 * Sizes below were chosen by measurement with Node 20 on an x86-64 Xeon (48 KiB L1d, 2 MiB L2),
 * see `bench/matmul.ts`. The scalar micro-kernel is bound by instructions (loads with bounds
 * checks, spills), not memory: block sizes matter little (±5%), while the 2 × 4 tile, whose 8
 * accumulators fit in the 16 SSE registers V8 uses, beats 4 × 4 by 5–10% and 4 × 8, 8 × 4 and
 * 4 × 6 by more.
 *
 * @since 0.1.0
 */
import type { Operand, Shape } from '@recur/core'

/** Rows of the register tile. */
const MR = 2
/** Columns of the register tile. */
const NR = 4
/** Depth of a block: a KC × NR strip of packed B (8 KiB) stays in L1. */
const KC = 256
/** Rows of a block of A: MC × KC packed (128 KiB) stays in L2. */
const MC = 64
/** Columns of a block of B: KC × NC packed (1 MiB) bounds the scratch memory. */
const NC = 512

/**
 * Packing scratch: the packed block of A first, then the packed block of B. Never returned and
 * never aliased by a result.
 */
let work = new Float64Array(0)
/** Scratch for edge tiles, row-major MR × NR. */
const edge = new Float64Array(MR * NR)
/** Row accumulator of {@link gemmRows}. */
let row = new Float64Array(0)

/** A strided matrix: element (r, c) is `data[offset + r·rs + c·cs]`. */
interface View {
  readonly data: Operand['data']
  readonly offset: number
  readonly rs: number
  readonly cs: number
}

/**
 * Packs rows `[i0, i0 + mc)` × columns `[p0, p0 + kc)` of `a` into `work` from 0, as strips of MR
 * rows: element (i, p) of strip s goes to `s·kc·MR + p·MR + (i mod MR)`. Rows past `mc` are 0.
 */
const packA = (a: View, i0: number, mc: number, p0: number, kc: number): void => {
  const { data, rs, cs } = a
  for (let s = 0; s < mc; s += MR) {
    for (let ii = 0; ii < MR; ii++) {
      let dst = s * kc + ii
      if (s + ii < mc) {
        let src = a.offset + (i0 + s + ii) * rs + p0 * cs
        for (let p = 0; p < kc; p++, dst += MR, src += cs) work[dst] = data[src] ?? 0
      } else {
        for (let p = 0; p < kc; p++, dst += MR) work[dst] = 0
      }
    }
  }
}

/**
 * Packs rows `[p0, p0 + kc)` × columns `[j0, j0 + nc)` of `b` into `work` from `at`, as strips of
 * NR columns: element (p, j) of strip s goes to `at + s·kc·NR + p·NR + (j mod NR)`. Columns past
 * `nc` are 0.
 */
const packB = (b: View, p0: number, kc: number, j0: number, nc: number, at: number): void => {
  const { data, rs, cs } = b
  for (let s = 0; s < nc; s += NR) {
    const width = Math.min(NR, nc - s)
    let dst = at + s * kc
    for (let p = 0; p < kc; p++) {
      let src = b.offset + (p0 + p) * rs + (j0 + s) * cs
      let jj = 0
      for (; jj < width; jj++, src += cs) work[dst++] = data[src] ?? 0
      for (; jj < NR; jj++) work[dst++] = 0
    }
  }
}

/**
 * The micro-kernel: `c[ci + i·ldc + j] += Σ_p w[ia + p·MR + i] · w[ib + p·NR + j]` over `kc`
 * steps, for the MR × NR tile of a packed A strip (at `ia`) and a packed B strip (at `ib`).
 * Indices are combined with `| 0` so that V8 drops their overflow checks (measured: 3–5%).
 */
const micro = (kc: number, w: Float64Array, ia: number, ib: number, c: Float64Array, ci: number, ldc: number): void => {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0
  for (let p = 0, x = ia, y = ib; p < kc; p++, x = (x + MR) | 0, y = (y + NR) | 0) {
    const b0 = w[y] ?? 0,
      b1 = w[(y + 1) | 0] ?? 0,
      b2 = w[(y + 2) | 0] ?? 0,
      b3 = w[(y + 3) | 0] ?? 0
    const a0 = w[x] ?? 0
    c00 += a0 * b0
    c01 += a0 * b1
    c02 += a0 * b2
    c03 += a0 * b3
    const a1 = w[(x + 1) | 0] ?? 0
    c10 += a1 * b0
    c11 += a1 * b1
    c12 += a1 * b2
    c13 += a1 * b3
  }
  const r = ci + ldc
  c[ci] = (c[ci] ?? 0) + c00
  c[ci + 1] = (c[ci + 1] ?? 0) + c01
  c[ci + 2] = (c[ci + 2] ?? 0) + c02
  c[ci + 3] = (c[ci + 3] ?? 0) + c03
  c[r] = (c[r] ?? 0) + c10
  c[r + 1] = (c[r + 1] ?? 0) + c11
  c[r + 2] = (c[r + 2] ?? 0) + c12
  c[r + 3] = (c[r + 3] ?? 0) + c13
}

/**
 * Blocked product: `c[ci + i·n + j] += Σ_p A(i, p) · B(p, j)` for i < m, j < n, through packing and
 * the micro-kernel. `c` holds zeros on entry (or a partial sum to add to).
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
              continue
            }
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

/**
 * Unpacked product for few rows, when b's rows are contiguous (`b.cs === 1`): row i of the result
 * accumulates a_ip · (row p of b), four p at a time, in float64, and is then stored (rounded) once
 * into `out` from `oi`.
 */
const gemmRows = (a: View, b: View, m: number, n: number, k: number, out: Float32Array | Float64Array, oi: number): void => {
  const { data: ad, rs, cs } = a
  const { data: bd, rs: step } = b
  if (row.length < n) row = new Float64Array(n)
  const r = row
  for (let i = 0; i < m; i++) {
    r.fill(0, 0, n)
    let p = 0
    let x = a.offset + i * rs
    let y = b.offset
    for (; p + 3 < k; p += 4, x += 4 * cs, y += 4 * step) {
      const s0 = ad[x] ?? 0,
        s1 = ad[x + cs] ?? 0,
        s2 = ad[x + 2 * cs] ?? 0,
        s3 = ad[x + 3 * cs] ?? 0
      const y1 = y + step,
        y2 = y1 + step,
        y3 = y2 + step
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
 * Unpacked product for few columns, or few rows against a transposed b: one float64 dot product
 * per entry, in four partial sums (for instruction-level parallelism), stored (rounded) once into
 * `out` from `oi`.
 */
const gemmDots = (a: View, b: View, m: number, n: number, k: number, out: Float32Array | Float64Array, oi: number): void => {
  const { data: ad, cs: ac } = a
  const { data: bd, rs: br } = b
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0
      let p = 0
      let x = a.offset + i * a.rs
      let y = b.offset + j * b.cs
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
 * The element offset of the matrix at each batch index (row-major over `batch`) in a row-major
 * operand of `shape`, whose batch dimensions broadcast to `batch` (a dimension of 1 repeats).
 * Shared with the WebAssembly driver (`matmulWasm.ts`).
 *
 * @category internal
 * @since 0.1.0
 */
export const batchOffsets = (shape: Shape, batch: Shape, matrixSize: number): number[] => {
  const steps = new Array<number>(batch.length)
  let stride = matrixSize
  for (let d = batch.length - 1; d >= 0; d--) {
    const own = shape[d] ?? 1
    steps[d] = own === 1 ? 0 : stride
    stride *= own
  }
  let offsets = [0]
  for (let d = 0; d < batch.length; d++) {
    const dim = batch[d] ?? 1
    const step = steps[d] ?? 0
    const next: number[] = []
    for (const o of offsets) for (let t = 0; t < dim; t++) next.push(o + t * step)
    offsets = next
  }
  return offsets
}

/**
 * The shape of a (batched) product `outShape = [...batch, m, n]` with inner size `k`: sizes, the
 * element offsets of each batch entry's matrices in `a` and `b`, and whether the whole batch is one
 * product of `batch·m` rows (every entry shares b and a's matrices are consecutive). Every kernel
 * (JS and WebAssembly) lays a product out this way.
 */
export const layoutOf = (a: Operand, b: Operand, transposeA: boolean, outShape: Shape) => {
  const rank = outShape.length
  const m = outShape[rank - 2] ?? 0
  const n = outShape[rank - 1] ?? 0
  const k = (transposeA ? a.shape[rank - 2] : a.shape[rank - 1]) ?? 0
  let total = 1
  for (const d of outShape) total *= d
  const batch = outShape.slice(0, rank - 2)
  const aOffsets = batchOffsets(a.shape, batch, m * k)
  const bOffsets = batchOffsets(b.shape, batch, k * n)
  const stacked = !transposeA && bOffsets.every((o) => o === 0) && aOffsets.every((o, t) => o === t * m * k)
  return {
    m,
    n,
    k,
    total,
    aOffsets,
    bOffsets,
    stacked,
    rows: stacked ? aOffsets.length * m : m,
    products: stacked ? 1 : aOffsets.length,
  }
}

/**
 * Batched matrix product, as `Backend.matmul`: `a` is `[...batchA, m, k]` (`[k, m]` with
 * `transposeA`), `b` is `[...batchB, k, n]` (`[n, k]` with `transposeB`), and the batch dimensions
 * broadcast to those of `outShape = [...batch, m, n]`. Returns a fresh array of `a.dtype`, whose
 * entries are float64 sums rounded once for float32.
 */
export const matmul = (
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  outShape: Shape,
): Float32Array | Float64Array => {
  const { m, n, k, total, aOffsets, bOffsets, rows, products } = layoutOf(a, b, transposeA, outShape)
  const out = a.dtype === 'float32' ? new Float32Array(total) : new Float64Array(total)
  if (total === 0 || k === 0) return out
  const [ars, acs] = transposeA ? [1, m] : [k, 1]
  const [brs, bcs] = transposeB ? [1, k] : [n, 1]
  // Thin products pay more for packing than they gain; thresholds measured against gemmBlocked.
  const byRows = bcs === 1 && n > 1
  const thin = byRows ? rows < 8 || n < 4 : rows < 4 || n < 3
  const acc = out instanceof Float64Array ? out : new Float64Array(thin ? 0 : total)
  for (let t = 0; t < products; t++) {
    const av: View = { data: a.data, offset: aOffsets[t] ?? 0, rs: ars, cs: acs }
    const bv: View = { data: b.data, offset: bOffsets[t] ?? 0, rs: brs, cs: bcs }
    if (!thin) gemmBlocked(av, bv, rows, n, k, acc, t * rows * n)
    else if (byRows) gemmRows(av, bv, rows, n, k, out, t * rows * n)
    else gemmDots(av, bv, rows, n, k, out, t * rows * n)
  }
  if (!thin && acc !== out) out.set(acc)
  return out
}
