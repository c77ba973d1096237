/**
 * The WebAssembly matmul kernel of `@recur/backend-cpu` (AssemblyScript, SIMD128), compiled by
 * `scripts/build-wasm.mjs` to `packages/backend-cpu/wasm/matmul.wasm`.
 *
 * One call of {@link gemm} computes `out = A · B` for one (m × k) · (k × n) product of operands
 * already copied into this module's memory, read through element strides (so transposes cost
 * nothing), in float32 or float64. Sums are float64 throughout, as in the JavaScript kernel: the
 * operands are packed into float64 strips and a float32 result is rounded once, at the end. (An
 * f32x4 micro-kernel is twice as fast but accumulates in float32, which the backend contract's
 * cancelling cases reject.)
 *
 * GotoBLAS blocking: `jc` splits n into blocks of NC columns, `pc` splits k into blocks of KC, `ic`
 * splits m into blocks of MC rows; each KC × NC block of B is packed into NR-wide strips and each
 * MC × KC block of A into MR-tall strips (zero padded), and the MR × NR micro-kernel holds its tile
 * in f64x2 registers over the KC block and adds it into a float64 scratch `c` whose row and column
 * counts are padded to multiples of MR and NR, so every tile is a full one.
 *
 * Products with fewer rows than the tile (vector–matrix products, an unbatched RNN step) skip
 * packing: see {@link thin}.
 *
 * Memory is managed by the caller (see `src/kernels/wasmModule.ts`): it grows the memory and lays
 * out operands, scratch and output; {@link workBytes} tells it the packing scratch needed.
 */

/** Rows of the register tile. */
const MR: i32 = 4
/** Columns of the register tile (two f64x2 vectors per row when 4). */
const NR: i32 = 4
/** Depth of a block: a KC × NR strip of packed B (8 KiB) stays in L1. */
const KC: i32 = 256
/** Rows of a block of A: MC × KC packed (128 KiB) stays in L2. */
const MC: i32 = 64
/** Columns of a block of B: KC × NC packed (1 MiB) bounds the scratch memory. */
const NC: i32 = 512

/** `x` rounded up to a multiple of `q`. */
function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q
}

/** Bytes of packing scratch that {@link gemm} needs for an (m × k) · (k × n) product. */
export function workBytes(m: i32, n: i32, k: i32): i32 {
  if (m < MR) return (roundUp(k, 2) + n) * 8
  const kc = min(KC, k)
  return (roundUp(min(MC, m), MR) + roundUp(min(NC, n), NR)) * kc * 8
}

/** The first byte of memory past this module's static data: the caller's from there on. */
export function heapBase(): usize {
  return __heap_base
}

/** Rows of the padded float64 scratch `c` for m rows. */
export function paddedRows(m: i32): i32 {
  return roundUp(m, MR)
}

/** Columns (the row stride) of the padded float64 scratch `c` for n columns. */
export function paddedCols(n: i32): i32 {
  return roundUp(n, NR)
}

/**
 * Packs rows `[i0, i0 + mc)` × columns `[p0, p0 + kc)` of A (element (i, p) at
 * `a + (i·rs + p·cs)·sizeof<T>`) into `dst` as float64 strips of MR rows: element (i, p) of strip s
 * goes to `dst + (s·kc·MR + p·MR + i mod MR)·8`. Rows past `mc` are 0.
 */
function packA<T>(a: usize, rs: i32, cs: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  let d = dst
  for (let s = 0; s < mc; s += MR) {
    const rows = min(MR, mc - s)
    let src = a + usize((i0 + s) * rs + p0 * cs) * size
    const step = usize(cs) * size
    const next = usize(rs) * size
    for (let p = 0; p < kc; p++) {
      let x = src
      for (let ii = 0; ii < rows; ii++) {
        store<f64>(d + usize(ii) * 8, f64(load<T>(x)))
        x += next
      }
      for (let ii = rows; ii < MR; ii++) store<f64>(d + usize(ii) * 8, 0)
      d += MR * 8
      src += step
    }
  }
}

/**
 * Packs rows `[p0, p0 + kc)` × columns `[j0, j0 + nc)` of B (element (p, j) at
 * `b + (p·rs + j·cs)·sizeof<T>`) into `dst` as float64 strips of NR columns: element (p, j) of
 * strip s goes to `dst + (s·kc·NR + p·NR + j mod NR)·8`. Columns past `nc` are 0.
 */
function packB<T>(b: usize, rs: i32, cs: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  let d = dst
  for (let s = 0; s < nc; s += NR) {
    const cols = min(NR, nc - s)
    let src = b + usize(p0 * rs + (j0 + s) * cs) * size
    const step = usize(rs) * size
    const next = usize(cs) * size
    for (let p = 0; p < kc; p++) {
      let x = src
      for (let jj = 0; jj < cols; jj++) {
        store<f64>(d + usize(jj) * 8, f64(load<T>(x)))
        x += next
      }
      for (let jj = cols; jj < NR; jj++) store<f64>(d + usize(jj) * 8, 0)
      d += NR * 8
      src += step
    }
  }
}

/** `c[0..1] += v` for the two float64 values at `c`. */
function addTo(c: usize, v: v128): void {
  v128.store(c, f64x2.add(v128.load(c), v))
}

/**
 * The 4 × 4 micro-kernel: `c[i·ldc + j] += Σ_p pa[p·4 + i] · pb[p·4 + j]` over `kc` steps, eight
 * f64x2 accumulators (row i, column pair j/2).
 */
function micro4x4(kc: i32, pa0: usize, pb0: usize, c: usize, ldc: usize): void {
  let c00 = f64x2.splat(0)
  let c01 = c00
  let c10 = c00
  let c11 = c00
  let c20 = c00
  let c21 = c00
  let c30 = c00
  let c31 = c00
  let pa = pa0
  let pb = pb0
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb)
    const b1 = v128.load(pb, 16)
    const a0 = v128.load64_splat(pa)
    c00 = f64x2.add(c00, f64x2.mul(a0, b0))
    c01 = f64x2.add(c01, f64x2.mul(a0, b1))
    const a1 = v128.load64_splat(pa, 8)
    c10 = f64x2.add(c10, f64x2.mul(a1, b0))
    c11 = f64x2.add(c11, f64x2.mul(a1, b1))
    const a2 = v128.load64_splat(pa, 16)
    c20 = f64x2.add(c20, f64x2.mul(a2, b0))
    c21 = f64x2.add(c21, f64x2.mul(a2, b1))
    const a3 = v128.load64_splat(pa, 24)
    c30 = f64x2.add(c30, f64x2.mul(a3, b0))
    c31 = f64x2.add(c31, f64x2.mul(a3, b1))
    pa += 32
    pb += 32
  }
  const r = ldc * 8
  addTo(c, c00)
  addTo(c + 16, c01)
  addTo(c + r, c10)
  addTo(c + r + 16, c11)
  addTo(c + 2 * r, c20)
  addTo(c + 2 * r + 16, c21)
  addTo(c + 3 * r, c30)
  addTo(c + 3 * r + 16, c31)
}

/** The blocked product into the padded float64 scratch `c` (row stride `ldc`), zeroed first. */
function blocked<T>(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  m: i32,
  n: i32,
  k: i32,
  work: usize,
  c: usize,
  ldc: i32,
): void {
  const kcMax = min(KC, k)
  const packedB = work + usize(roundUp(min(MC, m), MR) * kcMax) * 8
  memory.fill(c, 0, usize(roundUp(m, MR) * ldc) * 8)
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      packB<T>(b, brs, bcs, pc, kc, jc, nc, packedB)
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic)
        packA<T>(a, ars, acs, ic, mc, pc, kc, work)
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = packedB + usize(jr * kc) * 8
          for (let ir = 0; ir < mc; ir += MR) {
            const at = c + usize((ic + ir) * ldc + jc + jr) * 8
            micro4x4(kc, work + usize(ir * kc) * 8, pb, at, usize(ldc))
          }
        }
      }
    }
  }
}

/** The two float32 (or float64) values at `p`, as an f64x2. */
function pair<T>(p: usize): v128 {
  if (sizeof<T>() === 8) return v128.load(p)
  return f64x2.promote_low_f32x4(v128.load64_zero(p))
}

/** Stores float64 `x` at `p` as a T (rounding once for float32). */
function put<T>(p: usize, x: f64): void {
  if (sizeof<T>() === 8) store<f64>(p, x)
  else store<f32>(p, f32(x))
}

/** `out` row (m × n, row-major, dtype T) from the float64 row `acc`. */
function storeRow<T>(acc: usize, n: i32, out: usize): void {
  for (let j = 0; j < n; j++) put<T>(out + usize(j) * sizeof<T>(), load<f64>(acc + usize(j) * 8))
}

/**
 * Products with fewer rows than the tile (vector–matrix products), without packing B: each row of
 * A is first copied to float64 at `work`; then, when B's rows are contiguous (`bcs` 1), the row of
 * the result accumulates a_p · (row p of B) in float64 at `work + k·8`; otherwise its columns are
 * (`brs` 1, a transposed B) and each entry is a dot product, four columns at a time. (A row-major
 * B has `bcs` 1 and a transposed one `brs` 1, so these cover every call.)
 */
function thin<T>(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  m: i32,
  n: i32,
  k: i32,
  work: usize,
  out: usize,
): void {
  const size = usize(sizeof<T>())
  const row = work
  const acc = work + usize(roundUp(k, 2)) * 8
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) store<f64>(row + usize(p) * 8, f64(load<T>(a + usize(i * ars + p * acs) * size)))
    const dst = out + usize(i * n) * size
    if (bcs === 1) {
      memory.fill(acc, 0, usize(n) * 8)
      const n2 = n & ~1
      for (let p = 0; p < k; p++) {
        const x = load<f64>(row + usize(p) * 8)
        const s = f64x2.splat(x)
        const src = b + usize(p * brs) * size
        for (let j = 0; j < n2; j += 2) {
          const at = acc + usize(j) * 8
          v128.store(at, f64x2.add(v128.load(at), f64x2.mul(s, pair<T>(src + usize(j) * size))))
        }
        if (n2 < n) {
          const at = acc + usize(n2) * 8
          store<f64>(at, load<f64>(at) + x * f64(load<T>(src + usize(n2) * size)))
        }
      }
      storeRow<T>(acc, n, dst)
    } else {
      const k2 = k & ~1
      let j = 0
      for (; j + 3 < n; j += 4) {
        const b0 = b + usize(j * bcs) * size
        const b1 = b0 + usize(bcs) * size
        const b2 = b1 + usize(bcs) * size
        const b3 = b2 + usize(bcs) * size
        let s0 = f64x2.splat(0)
        let s1 = s0
        let s2 = s0
        let s3 = s0
        for (let p = 0; p < k2; p += 2) {
          const x = v128.load(row + usize(p) * 8)
          const q = usize(p) * size
          s0 = f64x2.add(s0, f64x2.mul(x, pair<T>(b0 + q)))
          s1 = f64x2.add(s1, f64x2.mul(x, pair<T>(b1 + q)))
          s2 = f64x2.add(s2, f64x2.mul(x, pair<T>(b2 + q)))
          s3 = f64x2.add(s3, f64x2.mul(x, pair<T>(b3 + q)))
        }
        let t0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1)
        let t1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1)
        let t2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1)
        let t3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1)
        if (k2 < k) {
          const x = load<f64>(row + usize(k2) * 8)
          const q = usize(k2) * size
          t0 += x * f64(load<T>(b0 + q))
          t1 += x * f64(load<T>(b1 + q))
          t2 += x * f64(load<T>(b2 + q))
          t3 += x * f64(load<T>(b3 + q))
        }
        put<T>(dst + usize(j) * size, t0)
        put<T>(dst + usize(j + 1) * size, t1)
        put<T>(dst + usize(j + 2) * size, t2)
        put<T>(dst + usize(j + 3) * size, t3)
      }
      for (; j < n; j++) {
        const bj = b + usize(j * bcs) * size
        let s = 0.0
        for (let p = 0; p < k; p++) s += load<f64>(row + usize(p) * 8) * f64(load<T>(bj + usize(p) * size))
        put<T>(dst + usize(j) * size, s)
      }
    }
  }
}

/**
 * `out = A · B` for one product: A is m × k with element (i, p) at `a + (i·ars + p·acs)·size`, B is
 * k × n with element (p, j) at `b + (p·brs + j·bcs)·size`, `size` 8 when `double` (float64
 * operands and output) and 4 otherwise (float32). `out` receives the m × n result row-major in the
 * same dtype. `work` is packing scratch of {@link workBytes}; `c` is float64 scratch of
 * `paddedRows(m) · paddedCols(n)` elements. Operands are only read.
 */
export function gemm(
  double: bool,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  m: i32,
  n: i32,
  k: i32,
  work: usize,
  c: usize,
  out: usize,
): void {
  if (m < MR) {
    if (double) thin<f64>(a, ars, acs, b, brs, bcs, m, n, k, work, out)
    else thin<f32>(a, ars, acs, b, brs, bcs, m, n, k, work, out)
    return
  }
  const ldc = roundUp(n, NR)
  if (double) blocked<f64>(a, ars, acs, b, brs, bcs, m, n, k, work, c, ldc)
  else blocked<f32>(a, ars, acs, b, brs, bcs, m, n, k, work, c, ldc)
  for (let i = 0; i < m; i++) {
    let src = c + usize(i * ldc) * 8
    if (double) {
      memory.copy(out + usize(i * n) * 8, src, usize(n) * 8)
    } else {
      let dst = out + usize(i * n) * 4
      for (let j = 0; j < n; j++) {
        store<f32>(dst, f32(load<f64>(src)))
        src += 8
        dst += 4
      }
    }
  }
}
