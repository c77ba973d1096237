/**
 * The arithmetic peak of WebAssembly SIMD128 on this machine, for bench/run.ts's M1 row: 7 chains
 * of f32x4 multiplies and 7 of f32x4 adds, independent of each other and held in registers (14
 * accumulators and 2 constants fill x86-64's 16 vector registers), unrolled four times so that
 * the loop's own instructions are a small share. No memory is read or written, so this is what
 * the vector units give when a kernel keeps them fed: an upper bound for any SIMD128 matmul
 * without relaxed SIMD's fused multiply-add (a matmul needs one multiply and one add per
 * multiply-add). Measured here (Node 20, x86-64): 7 + 7 chains beat 5 + 5 and 6 + 6
 * (latency-bound) and 8 + 8 (spills); one dependent multiply-add chain per accumulator was
 * latency-bound at about 36 GFLOP/s. V8's register allocation is sensitive to the code after the
 * loop: summing all a's then all b's into lane 0, as below, ran at 44.8 GFLOP/s, a pairwise sum
 * of all four lanes at 39.
 *
 * `peak(n)` runs n iterations of 4 · 14 f32x4 operations = 224 flops; it returns lane 0 of the
 * chains' sum so that none of them is dead code.
 */
export function peak(iterations: i32): f32 {
  const m = f32x4.splat(0.9999999)
  const c = f32x4.splat(0.0000001)
  let a0 = f32x4.splat(1.0)
  let b0 = f32x4.splat(1.0)
  let a1 = f32x4.splat(1.1)
  let b1 = f32x4.splat(1.1)
  let a2 = f32x4.splat(1.2)
  let b2 = f32x4.splat(1.2)
  let a3 = f32x4.splat(1.3)
  let b3 = f32x4.splat(1.3)
  let a4 = f32x4.splat(1.4)
  let b4 = f32x4.splat(1.4)
  let a5 = f32x4.splat(1.5)
  let b5 = f32x4.splat(1.5)
  let a6 = f32x4.splat(1.6)
  let b6 = f32x4.splat(1.6)
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.mul(a0, m)
    b0 = f32x4.add(b0, c)
    a1 = f32x4.mul(a1, m)
    b1 = f32x4.add(b1, c)
    a2 = f32x4.mul(a2, m)
    b2 = f32x4.add(b2, c)
    a3 = f32x4.mul(a3, m)
    b3 = f32x4.add(b3, c)
    a4 = f32x4.mul(a4, m)
    b4 = f32x4.add(b4, c)
    a5 = f32x4.mul(a5, m)
    b5 = f32x4.add(b5, c)
    a6 = f32x4.mul(a6, m)
    b6 = f32x4.add(b6, c)
    a0 = f32x4.mul(a0, m)
    b0 = f32x4.add(b0, c)
    a1 = f32x4.mul(a1, m)
    b1 = f32x4.add(b1, c)
    a2 = f32x4.mul(a2, m)
    b2 = f32x4.add(b2, c)
    a3 = f32x4.mul(a3, m)
    b3 = f32x4.add(b3, c)
    a4 = f32x4.mul(a4, m)
    b4 = f32x4.add(b4, c)
    a5 = f32x4.mul(a5, m)
    b5 = f32x4.add(b5, c)
    a6 = f32x4.mul(a6, m)
    b6 = f32x4.add(b6, c)
    a0 = f32x4.mul(a0, m)
    b0 = f32x4.add(b0, c)
    a1 = f32x4.mul(a1, m)
    b1 = f32x4.add(b1, c)
    a2 = f32x4.mul(a2, m)
    b2 = f32x4.add(b2, c)
    a3 = f32x4.mul(a3, m)
    b3 = f32x4.add(b3, c)
    a4 = f32x4.mul(a4, m)
    b4 = f32x4.add(b4, c)
    a5 = f32x4.mul(a5, m)
    b5 = f32x4.add(b5, c)
    a6 = f32x4.mul(a6, m)
    b6 = f32x4.add(b6, c)
    a0 = f32x4.mul(a0, m)
    b0 = f32x4.add(b0, c)
    a1 = f32x4.mul(a1, m)
    b1 = f32x4.add(b1, c)
    a2 = f32x4.mul(a2, m)
    b2 = f32x4.add(b2, c)
    a3 = f32x4.mul(a3, m)
    b3 = f32x4.add(b3, c)
    a4 = f32x4.mul(a4, m)
    b4 = f32x4.add(b4, c)
    a5 = f32x4.mul(a5, m)
    b5 = f32x4.add(b5, c)
    a6 = f32x4.mul(a6, m)
    b6 = f32x4.add(b6, c)
  }
  let t = a0
  t = f32x4.add(t, a1)
  t = f32x4.add(t, a2)
  t = f32x4.add(t, a3)
  t = f32x4.add(t, a4)
  t = f32x4.add(t, a5)
  t = f32x4.add(t, a6)
  t = f32x4.add(t, b0)
  t = f32x4.add(t, b1)
  t = f32x4.add(t, b2)
  t = f32x4.add(t, b3)
  t = f32x4.add(t, b4)
  t = f32x4.add(t, b5)
  t = f32x4.add(t, b6)
  return f32x4.extract_lane(t, 0)
}

/** Flops of one iteration of {@link peak}. */
export const FLOPS_PER_ITERATION: i32 = 224
