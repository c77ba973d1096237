/**
 * The unpacked path of the matmul kernel, for products with fewer rows than the register tile
 * (vector–matrix products such as an unbatched RNN step): packing B would cost as much as the
 * product. Sums are float64, rounded once for a float32 result.
 */

/** `x` rounded up to a multiple of `q`. */
function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q
}

/** The two float32 (or float64) values at `p`, as an f64x2. */
function pair<T>(p: usize): v128 {
  if (sizeof<T>() === 8) return v128.load(p)
  return f64x2.promote_low_f32x4(v128.load64_zero(p))
}

/** Stores float64 `x` at `p` as a T (rounding once for float32). */
export function put<T>(p: usize, x: f64): void {
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
export function thin<T>(
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

/** The sum of the four float32 lanes of `v`, as ((l0 + l1) + (l2 + l3)). */
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
}

/**
 * {@link thin} for float32 operands with float32 sums (the `cpuFast` mode), four lanes at a time:
 * each row of A is first copied contiguous to `work`; then, when B's rows are contiguous (`bcs`
 * 1), the row of the result accumulates a_p · (row p of B) in float32 in `out` itself; otherwise
 * (a transposed B, `brs` 1) each entry is a dot product of two contiguous runs, four columns at a
 * time, in four-lane partial sums added at the end.
 */
export function thin32(
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
  const row = work
  const k4 = k & ~3
  const n4 = n & ~3
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) store<f32>(row + ((<usize>p) << 2), load<f32>(a + ((<usize>(i * ars + p * acs)) << 2)))
    const dst = out + ((<usize>(i * n)) << 2)
    if (bcs === 1) {
      memory.fill(dst, 0, (<usize>n) << 2)
      for (let p = 0; p < k; p++) {
        const x = load<f32>(row + ((<usize>p) << 2))
        const s = f32x4.splat(x)
        const src = b + ((<usize>(p * brs)) << 2)
        let j = 0
        for (; j < n4; j += 4) {
          const at = dst + ((<usize>j) << 2)
          v128.store(at, f32x4.add(v128.load(at), f32x4.mul(s, v128.load(src + ((<usize>j) << 2)))))
        }
        for (; j < n; j++) {
          const at = dst + ((<usize>j) << 2)
          store<f32>(at, load<f32>(at) + x * load<f32>(src + ((<usize>j) << 2)))
        }
      }
      continue
    }
    let j = 0
    for (; j + 3 < n; j += 4) {
      const b0 = b + ((<usize>(j * bcs)) << 2)
      const b1 = b0 + ((<usize>bcs) << 2)
      const b2 = b1 + ((<usize>bcs) << 2)
      const b3 = b2 + ((<usize>bcs) << 2)
      let s0 = f32x4.splat(0)
      let s1 = s0
      let s2 = s0
      let s3 = s0
      for (let p = 0; p < k4; p += 4) {
        const q = (<usize>p) << 2
        const x = v128.load(row + q)
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(b0 + q)))
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(b1 + q)))
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(b2 + q)))
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(b3 + q)))
      }
      let t0 = lanes(s0)
      let t1 = lanes(s1)
      let t2 = lanes(s2)
      let t3 = lanes(s3)
      for (let p = k4; p < k; p++) {
        const x = load<f32>(row + ((<usize>p) << 2))
        const q = (<usize>p) << 2
        t0 += x * load<f32>(b0 + q)
        t1 += x * load<f32>(b1 + q)
        t2 += x * load<f32>(b2 + q)
        t3 += x * load<f32>(b3 + q)
      }
      store<f32>(dst + ((<usize>j) << 2), t0)
      store<f32>(dst + ((<usize>(j + 1)) << 2), t1)
      store<f32>(dst + ((<usize>(j + 2)) << 2), t2)
      store<f32>(dst + ((<usize>(j + 3)) << 2), t3)
    }
    for (; j < n; j++) {
      const bj = b + ((<usize>(j * bcs)) << 2)
      let s = f32x4.splat(0)
      for (let p = 0; p < k4; p += 4)
        s = f32x4.add(s, f32x4.mul(v128.load(row + ((<usize>p) << 2)), v128.load(bj + ((<usize>p) << 2))))
      let t = lanes(s)
      for (let p = k4; p < k; p++) t += load<f32>(row + ((<usize>p) << 2)) * load<f32>(bj + ((<usize>p) << 2))
      store<f32>(dst + ((<usize>j) << 2), t)
    }
  }
}
