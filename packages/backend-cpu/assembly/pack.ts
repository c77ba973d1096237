/**
 * Packing for the blocked matmul kernel: a block of A into MR-tall row strips and a block of B into
 * NR-wide column strips, read through element strides (so transposed operands cost nothing extra)
 * and converted to the packed type P (float64, or float32 for float32 sums), zero padded.
 */

/** Rows of a packed strip of A (the register tile's rows), for both kernels. */
export const MR: i32 = 4

/** Stores `x`, a value of the source type T, at `p` as a P. */
function store1<T, P>(p: usize, x: T): void {
  if (sizeof<P>() === 8) store<f64>(p, f64(x))
  else store<f32>(p, f32(x))
}

/**
 * Packs rows `[i0, i0 + mc)` × columns `[p0, p0 + kc)` of A (element (i, p) at
 * `a + (i·rs + p·cs)·sizeof<T>`) into `dst` as strips of MR rows: element (i, p) of strip s goes to
 * `dst + (s·kc·MR + p·MR + i mod MR)·sizeof<P>`. Rows past `mc` are 0. This is {@link packB} of
 * Aᵀ (strides swapped) with MR-wide strips.
 */
export function packA<T, P>(a: usize, rs: i32, cs: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  packB<T, P>(a, cs, rs, p0, kc, i0, mc, MR, dst)
}

/** The two float64 values of the upper half of the four float32 lanes of `v`. */
function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))
}

/** Rows of B per pass of {@link rowsToStrips}. */
const ROWS: i32 = 16

/**
 * `strips` full strips of `nr` columns of B whose rows are contiguous (`cs` 1): row p's values are
 * consecutive at `src + p·step`. In passes of ROWS rows, strip after strip, so that both the rows
 * read and the strip written stay in cache (row by row, writes 8 KiB apart thrash L1's sets; strip
 * by strip, so do reads a row apart); a vector at a time, widened to float64 for T f32, P f64.
 */
function rowsToStrips<T, P>(src: usize, step: usize, kc: i32, strips: i32, nr: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  const el = usize(sizeof<P>())
  const stripBytes = usize(kc * nr) * el
  for (let p0 = 0; p0 < kc; p0 += ROWS) {
    const p1 = min(kc, p0 + ROWS)
    for (let s = 0; s < strips; s++) {
      let x = src + usize(p0) * step + usize(s * nr) * size
      let d = dst + usize(s) * stripBytes + usize(p0 * nr) * el
      for (let p = p0; p < p1; p++) {
        if (sizeof<T>() === 4 && sizeof<P>() === 8) {
          for (let g = 0; g < nr; g += 4) {
            const v = v128.load(x + usize(g) * 4)
            v128.store(d + usize(g) * 8, f64x2.promote_low_f32x4(v))
            v128.store(d + usize(g) * 8, promoteHigh(v), 16)
          }
        } else {
          for (let o: usize = 0; o < usize(nr) * el; o += 16) v128.store(d + o, v128.load(x + o))
        }
        x += step
        d += usize(nr) * el
      }
    }
  }
}

/**
 * One full strip of `nr` columns of B whose columns are contiguous (`rs` 1, a transposed B):
 * column jj at `src + jj·next`, its values consecutive. Blocks of 4 × 4 float32 (2 × 2 float64)
 * are transposed in registers; the last `kc mod 4` (`kc mod 2`) rows are packed one by one.
 */
function stripOfColumns<T, P>(src: usize, next: usize, kc: i32, nr: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  const el = usize(sizeof<P>())
  const row = usize(nr) * el
  const lanes: i32 = sizeof<T>() === 4 ? 4 : 2
  const full = kc - (kc % lanes)
  for (let p = 0; p < full; p += lanes) {
    const d = dst + usize(p) * row
    const at = usize(p) * size
    for (let g = 0; g < nr; g += 4) {
      const c0 = src + usize(g) * next + at
      if (sizeof<T>() === 4) {
        const v0 = v128.load(c0)
        const v1 = v128.load(c0 + next)
        const v2 = v128.load(c0 + 2 * next)
        const v3 = v128.load(c0 + 3 * next)
        const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5)
        const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5)
        const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7)
        const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7)
        const r0 = i32x4.shuffle(t0, t1, 0, 1, 4, 5)
        const r1 = i32x4.shuffle(t0, t1, 2, 3, 6, 7)
        const r2 = i32x4.shuffle(t2, t3, 0, 1, 4, 5)
        const r3 = i32x4.shuffle(t2, t3, 2, 3, 6, 7)
        if (sizeof<P>() === 8) {
          // nr = 4: row q of the block is r_q widened to four float64 values.
          v128.store(d, f64x2.promote_low_f32x4(r0))
          v128.store(d, promoteHigh(r0), 16)
          v128.store(d + row, f64x2.promote_low_f32x4(r1))
          v128.store(d + row, promoteHigh(r1), 16)
          v128.store(d + 2 * row, f64x2.promote_low_f32x4(r2))
          v128.store(d + 2 * row, promoteHigh(r2), 16)
          v128.store(d + 3 * row, f64x2.promote_low_f32x4(r3))
          v128.store(d + 3 * row, promoteHigh(r3), 16)
        } else {
          const o = d + usize(g) * 4
          v128.store(o, r0)
          v128.store(o + row, r1)
          v128.store(o + 2 * row, r2)
          v128.store(o + 3 * row, r3)
        }
      } else {
        // float64, nr = 4: two 2 × 2 transposes per group of four columns.
        for (let h = 0; h < 4; h += 2) {
          const u0 = v128.load(c0 + usize(h) * next)
          const u1 = v128.load(c0 + usize(h + 1) * next)
          v128.store(d + usize(h) * 8, i64x2.shuffle(u0, u1, 0, 2))
          v128.store(d + row + usize(h) * 8, i64x2.shuffle(u0, u1, 1, 3))
        }
      }
    }
  }
  for (let p = full; p < kc; p++) {
    for (let jj = 0; jj < nr; jj++)
      store1<T, P>(dst + usize(p) * row + usize(jj) * el, load<T>(src + usize(jj) * next + usize(p) * size))
  }
}

/**
 * Packs rows `[p0, p0 + kc)` × columns `[j0, j0 + nc)` of B (element (p, j) at
 * `b + (p·rs + j·cs)·sizeof<T>`) into `dst` as strips of `nr` columns: element (p, j) of strip s
 * goes to `dst + (s·kc·nr + p·nr + j mod nr)·sizeof<P>`. Columns past `nc` are 0.
 */
export function packB<T, P>(b: usize, rs: i32, cs: i32, p0: i32, kc: i32, j0: i32, nc: i32, nr: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  const out = usize(sizeof<P>())
  let d = dst
  let first = 0
  if (cs === 1) {
    const strips = nc / nr
    rowsToStrips<T, P>(b + usize(p0 * rs + j0) * size, usize(rs) * size, kc, strips, nr, d)
    first = strips * nr
    d += usize(strips * nr * kc) * out
  }
  for (let s = first; s < nc; s += nr) {
    const cols = min(nr, nc - s)
    let src = b + usize(p0 * rs + (j0 + s) * cs) * size
    const step = usize(rs) * size
    const next = usize(cs) * size
    if (cols === nr && rs === 1) {
      stripOfColumns<T, P>(src, next, kc, nr, d)
      d += usize(nr * kc) * out
      continue
    }
    for (let p = 0; p < kc; p++) {
      let x = src
      for (let jj = 0; jj < cols; jj++) {
        store1<T, P>(d + usize(jj) * out, load<T>(x))
        x += next
      }
      for (let jj = cols; jj < nr; jj++) store1<f64, P>(d + usize(jj) * out, 0)
      d += usize(nr) * out
      src += step
    }
  }
}
