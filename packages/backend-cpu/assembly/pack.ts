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
 * `dst + (s·kc·MR + p·MR + i mod MR)·sizeof<P>`. Rows past `mc` are 0.
 */
export function packA<T, P>(a: usize, rs: i32, cs: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const size = usize(sizeof<T>())
  const out = usize(sizeof<P>())
  let d = dst
  for (let s = 0; s < mc; s += MR) {
    const rows = min(MR, mc - s)
    let src = a + usize((i0 + s) * rs + p0 * cs) * size
    const step = usize(cs) * size
    const next = usize(rs) * size
    for (let p = 0; p < kc; p++) {
      let x = src
      for (let ii = 0; ii < rows; ii++) {
        store1<T, P>(d + usize(ii) * out, load<T>(x))
        x += next
      }
      for (let ii = rows; ii < MR; ii++) store1<f64, P>(d + usize(ii) * out, 0)
      d += usize(MR) * out
      src += step
    }
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
  for (let s = 0; s < nc; s += nr) {
    const cols = min(nr, nc - s)
    let src = b + usize(p0 * rs + (j0 + s) * cs) * size
    const step = usize(rs) * size
    const next = usize(cs) * size
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
