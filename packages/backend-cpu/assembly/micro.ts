/**
 * The micro-kernels of the blocked matmul: one MR × NR tile of C += (packed A strip) · (packed B
 * strip) over `kc` steps, the tile held in eight v128 accumulators. Measured on Node 20 (x86-64):
 * 4 × 4 is the fastest f64x2 tile (4 × 6, 6 × 4, 8 × 4, 4 × 8 and 2 × 8 were 10–35% slower, a
 * two-step unrolled loop 20% slower); 4 × 8 for f32x4 (as in TOOLCHAIN.md). Wasm SIMD128 has no
 * fused multiply-add outside relaxed SIMD, so each step is a mul and an add.
 */

/** Adds the two float64 lanes of `v` into the two float64 values at `c`. */
function add64(c: usize, v: v128): void {
  v128.store(c, f64x2.add(v128.load(c), v))
}

/** Adds the four float32 lanes of `v` into the four float32 values at `c`. */
function add32(c: usize, v: v128): void {
  v128.store(c, f32x4.add(v128.load(c), v))
}

/**
 * float64: `c[i·ldc + j] += Σ_p pa[p·4 + i] · pb[p·4 + j]` for i, j < 4 (row stride `ldc`
 * elements); accumulators per row i and column pair.
 */
export function micro4x4(kc: i32, pa0: usize, pb0: usize, c: usize, ldc: usize): void {
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
  add64(c, c00)
  add64(c + 16, c01)
  add64(c + r, c10)
  add64(c + r + 16, c11)
  add64(c + 2 * r, c20)
  add64(c + 2 * r + 16, c21)
  add64(c + 3 * r, c30)
  add64(c + 3 * r + 16, c31)
}

/**
 * float32 sums: `c[i·ldc + j] += Σ_p pa[p·4 + i] · pb[p·8 + j]` for i < 4, j < 8 (row stride `ldc`
 * elements); accumulators per row i and column quadruple.
 */
export function micro4x8(kc: i32, pa0: usize, pb0: usize, c: usize, ldc: usize): void {
  let c00 = f32x4.splat(0)
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
    const a0 = v128.load32_splat(pa)
    c00 = f32x4.add(c00, f32x4.mul(a0, b0))
    c01 = f32x4.add(c01, f32x4.mul(a0, b1))
    const a1 = v128.load32_splat(pa, 4)
    c10 = f32x4.add(c10, f32x4.mul(a1, b0))
    c11 = f32x4.add(c11, f32x4.mul(a1, b1))
    const a2 = v128.load32_splat(pa, 8)
    c20 = f32x4.add(c20, f32x4.mul(a2, b0))
    c21 = f32x4.add(c21, f32x4.mul(a2, b1))
    const a3 = v128.load32_splat(pa, 12)
    c30 = f32x4.add(c30, f32x4.mul(a3, b0))
    c31 = f32x4.add(c31, f32x4.mul(a3, b1))
    pa += 16
    pb += 32
  }
  const r = ldc * 4
  add32(c, c00)
  add32(c + 16, c01)
  add32(c + r, c10)
  add32(c + r + 16, c11)
  add32(c + 2 * r, c20)
  add32(c + 2 * r + 16, c21)
  add32(c + 3 * r, c30)
  add32(c + 3 * r + 16, c31)
}
