/**
 * The fused LSTM / GRU gate kernels in float32 (f32x4), compiled into the same module as the
 * matmul (`matmul.ts` re-exports them), and the vectorised exp, sigmoid and tanh they use.
 *
 * Each kernel reads float32 operands already in this module's memory (byte addresses, row-major,
 * `rows` rows of `H` elements per gate block) and writes its results there; the formulas and the
 * order of the results are those of the JavaScript kernels (`src/kernels/fused.ts`). Every
 * operation rounds to float32, and the transcendental functions are approximations:
 * - `expv`: Cephes `expf` — clamp to [−88, 88.8], n = round(x·log₂e), r = x − n·ln 2 in two
 *   parts (Cody–Waite), exp(r) ≈ 1 + r + r²·P(r) with P of degree 5, times 2ⁿ built from exponent
 *   bits. Within 1 ulp of exp on [−87.33, 88.37] (normal results; `test/fusedWasm.test.ts` sweeps
 *   it); above, n = 128 makes the bits of 2ⁿ those of +∞ (true exp is ≥ 2.4·10³⁸ there); below,
 *   results are subnormal, then 0 (n = −127) from −87.68 on: within 2⁻¹²⁶ of exp. One scaling
 *   by 2ⁿ instead of two halves (exact subnormals, overflow at ln FLT_MAX) made the kernels 10%
 *   faster, and σ and tanh do not need those ends.
 * - `sigmoidv(x)` = 1/(1 + exp(−x)) (≤ 2.5 ulp): exactly 0 below about −88.4, 1 above about 17.
 * - `tanhv(x)`: Cephes `tanhf` — x + x³·Q(x²) for |x| < 0.625 (no cancellation near 0), else
 *   ±(1 − 2/(exp(2|x|) + 1)) (≤ 1.5 ulp); exactly ±1 for |x| above about 9.
 * NaN in gives NaN out; ±∞ saturate. A row's last H mod 4 elements go through the same vector code
 * with partial loads and stores, so a result does not depend on its position.
 *
 * The kernels allocate nothing and keep nothing between calls. A result may be the very block of
 * an operand of the same layout (the recurrence kernels write the gates' cotangents over the
 * gates): each element's operands are all read before its results are written. Other overlaps
 * are not allowed.
 *
 * Inlining: every helper is inlined where it is called (`inline.always`; the `@inline` decorator
 * is not TypeScript the linter parses). Called functions were 1.3–1.8× slower here (V8 does not
 * inline wasm calls).
 */

// ---- constants ----------------------------------------------------------------------------------

// The constants live in a table in memory, read with `v128.load32_splat` (one broadcast load
// each): V8 builds every `v128.const` in registers anew, several instructions apiece, which made
// the elementwise functions 1.3× slower than with the loads.

/** ln 2 = C1 − C2 (Cody–Waite): C1 has 9 significant bits, so n·C1 is exact for |n| ≤ 2¹⁵. */
const C1: f32 = 0.693359375
const C2: f32 = -2.1219444e-4
/** 1.5·2²³: adding it rounds |v| < 2²² to an integer, held in the low bits of the sum. */
const MAGIC: f32 = 12582912.0

/** The float32 constants; the names below are their byte addresses. */
const K: usize = memory.data<f32>([
  // exp: clamp (beyond it n is 128 or −127: +∞ or 0), log₂e, ln 2 in two parts, rounding, P
  -88.0,
  88.8,
  Mathf.LOG2E,
  C1,
  C2,
  MAGIC,
  1.98756915e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  // 1, 2, the small-argument bound of tanh, Q of Cephes tanhf, −0 (the sign bit)
  1.0,
  2.0,
  0.625,
  -5.70498872745e-3,
  2.06390887954e-2,
  -5.37397155531e-2,
  1.33314422036e-1,
  -3.33332819422e-1,
  -0.0,
])
const EXP_LO: usize = K
const EXP_HI: usize = K + 4
const LOG2E: usize = K + 8
const LN2_HI: usize = K + 12
const LN2_LO: usize = K + 16
const ROUND: usize = K + 20
/** P₅ … P₀ of Cephes expf (highest degree first). */
const P: usize = K + 24
const ONE: usize = K + 48
const TWO: usize = K + 52
const SMALL: usize = K + 56
/** Q₄ … Q₀ of Cephes tanhf (highest degree first). */
const Q: usize = K + 60
const SIGN: usize = K + 80
/** The i32 constant 127 (the exponent bias). */
const BIAS: usize = memory.data<i32>([127])

// ---- elementwise functions ----------------------------------------------------------------------

/** exp(x) per lane (see the module header). */
function expv(x0: v128): v128 {
  // pmax/pmin with x first keep a NaN (they return their first operand when unordered).
  const x1 = f32x4.pmin(f32x4.pmax(x0, v128.load32_splat(EXP_LO)), v128.load32_splat(EXP_HI))
  // t = round(x·log₂e) + 1.5·2²³: its low mantissa bits are n, and t − 1.5·2²³ = n exactly.
  const t = f32x4.add(f32x4.mul(x1, v128.load32_splat(LOG2E)), v128.load32_splat(ROUND))
  const fx = f32x4.sub(t, v128.load32_splat(ROUND))
  const hi = f32x4.sub(x1, f32x4.mul(fx, v128.load32_splat(LN2_HI)))
  const x = f32x4.sub(hi, f32x4.mul(fx, v128.load32_splat(LN2_LO)))
  let p = v128.load32_splat(P)
  p = f32x4.add(f32x4.mul(p, x), v128.load32_splat(P + 4))
  p = f32x4.add(f32x4.mul(p, x), v128.load32_splat(P + 8))
  p = f32x4.add(f32x4.mul(p, x), v128.load32_splat(P + 12))
  p = f32x4.add(f32x4.mul(p, x), v128.load32_splat(P + 16))
  p = f32x4.add(f32x4.mul(p, x), v128.load32_splat(P + 20))
  const y = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(x, x)), x), v128.load32_splat(ONE))
  // 2ⁿ from its exponent bits: n = 128 gives the bits of +∞, n = −127 those of 0.
  const n = i32x4.sub(t, v128.load32_splat(ROUND))
  return f32x4.mul(y, i32x4.shl(i32x4.add(n, v128.load32_splat(BIAS)), 23))
}

/** σ(x) = 1/(1 + exp(−x)) per lane. */
function sigmoidv(x: v128): v128 {
  const one = v128.load32_splat(ONE)
  return f32x4.div(one, f32x4.add(one, inline.always(expv(f32x4.neg(x)))))
}

/** tanh(x) per lane (see the module header). */
function tanhv(x: v128): v128 {
  const a = f32x4.abs(x)
  const s = f32x4.mul(a, a)
  let q = v128.load32_splat(Q)
  q = f32x4.add(f32x4.mul(q, s), v128.load32_splat(Q + 4))
  q = f32x4.add(f32x4.mul(q, s), v128.load32_splat(Q + 8))
  q = f32x4.add(f32x4.mul(q, s), v128.load32_splat(Q + 12))
  q = f32x4.add(f32x4.mul(q, s), v128.load32_splat(Q + 16))
  const near0 = f32x4.add(f32x4.mul(f32x4.mul(q, s), a), a)
  const one = v128.load32_splat(ONE)
  const e = inline.always(expv(f32x4.add(a, a)))
  const far = f32x4.sub(one, f32x4.div(v128.load32_splat(TWO), f32x4.add(e, one)))
  const t = v128.bitselect(near0, far, f32x4.lt(a, v128.load32_splat(SMALL)))
  return v128.or(t, v128.and(x, v128.load32_splat(SIGN)))
}

// ---- partial loads and stores (the last H mod 4 elements of a row) --------------------------------

/** The `n` float32 values at `p` (n ≥ 4: four), the other lanes 0. */
function ld(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p)
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p))
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4))
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8))
  return v
}

/** Stores the first `n` lanes of `v` (n ≥ 4: all four) at `p`. */
function st(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v)
    return
  }
  store<f32>(p, f32x4.extract_lane(v, 0))
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4)
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8)
}

// ---- LSTM ---------------------------------------------------------------------------------------

/** Four (or `n` < 4) elements of `lstmGatesF32`; `hb` is the byte size of a gate block. */
function lstmQuad(g: usize, c: usize, h: usize, next: usize, hb: usize, n: i32): void {
  const i = inline.always(sigmoidv(ld(g, n)))
  const f = inline.always(sigmoidv(ld(g + hb, n)))
  const u = inline.always(tanhv(ld(g + 2 * hb, n)))
  const o = inline.always(sigmoidv(ld(g + 3 * hb, n)))
  const cn = f32x4.add(f32x4.mul(f, inline.always(ld(c, n))), f32x4.mul(i, u))
  inline.always(st(h, f32x4.mul(o, tanhv(cn)), n))
  inline.always(st(next, cn, n))
}

/**
 * LSTM gates: `gates` (rows × 4H: i, f, g, o), `c` (rows × H) → `h` = σ(o)·tanh(c'), `cNext` =
 * c' = σ(f)·c + σ(i)·tanh(g) (rows × H each).
 */
export function lstmGatesF32(gates: usize, c: usize, h: usize, cNext: usize, H: i32, rows: i32): void {
  const hb = (<usize>H) << 2
  for (let r = 0; r < rows; r++) {
    const g = gates + hb * 4 * <usize>r
    const s = hb * <usize>r
    let j = 0
    for (; j + 4 <= H; j += 4) {
      const o = s + ((<usize>j) << 2)
      inline.always(lstmQuad(g + ((<usize>j) << 2), c + o, h + o, cNext + o, hb, 4))
    }
    if (j < H) {
      const o = s + ((<usize>j) << 2)
      inline.always(lstmQuad(g + ((<usize>j) << 2), c + o, h + o, cNext + o, hb, H - j))
    }
  }
}

/** Four (or `n` < 4) elements of `lstmGatesBackwardF32`. */
function lstmBackQuad(g: usize, c: usize, dh: usize, dc: usize, dg: usize, dcPrev: usize, hb: usize, n: i32): void {
  const one = v128.load32_splat(ONE)
  const i = inline.always(sigmoidv(ld(g, n)))
  const f = inline.always(sigmoidv(ld(g + hb, n)))
  const u = inline.always(tanhv(ld(g + 2 * hb, n)))
  const o = inline.always(sigmoidv(ld(g + 3 * hb, n)))
  const prev = inline.always(ld(c, n))
  const tc = inline.always(tanhv(f32x4.add(f32x4.mul(f, prev), f32x4.mul(i, u))))
  const d = inline.always(ld(dh, n))
  const dcv = f32x4.add(inline.always(ld(dc, n)), f32x4.mul(f32x4.mul(d, o), f32x4.sub(one, f32x4.mul(tc, tc))))
  inline.always(st(dg, f32x4.mul(f32x4.mul(f32x4.mul(dcv, u), i), f32x4.sub(one, i)), n))
  inline.always(st(dg + hb, f32x4.mul(f32x4.mul(f32x4.mul(dcv, prev), f), f32x4.sub(one, f)), n))
  inline.always(st(dg + 2 * hb, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(u, u))), n))
  inline.always(st(dg + 3 * hb, f32x4.mul(f32x4.mul(f32x4.mul(d, tc), o), f32x4.sub(one, o)), n))
  inline.always(st(dcPrev, f32x4.mul(dcv, f), n))
}

/**
 * The pullback of `lstmGatesF32` at `gates` (rows × 4H), `c` (rows × H) of the cotangents `dh`,
 * `dc` (rows × H) of h and c' → `dGates` (rows × 4H), `dcPrev` (rows × H).
 */
export function lstmGatesBackwardF32(
  gates: usize,
  c: usize,
  dh: usize,
  dc: usize,
  dGates: usize,
  dcPrev: usize,
  H: i32,
  rows: i32,
): void {
  const hb = (<usize>H) << 2
  for (let r = 0; r < rows; r++) {
    const g = hb * 4 * <usize>r
    const s = hb * <usize>r
    let j = 0
    for (; j + 4 <= H; j += 4) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(lstmBackQuad(gates + gj, c + sj, dh + sj, dc + sj, dGates + gj, dcPrev + sj, hb, 4))
    }
    if (j < H) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(lstmBackQuad(gates + gj, c + sj, dh + sj, dc + sj, dGates + gj, dcPrev + sj, hb, H - j))
    }
  }
}

// ---- GRU ----------------------------------------------------------------------------------------

/** Four (or `n` < 4) elements of `gruGatesF32`. */
function gruQuad(x: usize, p: usize, h: usize, out: usize, hb: usize, n: i32): void {
  const r = inline.always(sigmoidv(f32x4.add(ld(x, n), ld(p, n))))
  const z = inline.always(sigmoidv(f32x4.add(ld(x + hb, n), ld(p + hb, n))))
  const nn = inline.always(tanhv(f32x4.add(ld(x + 2 * hb, n), f32x4.mul(r, ld(p + 2 * hb, n)))))
  inline.always(st(out, f32x4.add(nn, f32x4.mul(z, f32x4.sub(ld(h, n), nn))), n))
}

/**
 * Reset-after GRU gates: `xp`, `hp` (rows × 3H: r, z, n), `h` (rows × H) → `out` = n + z·(h − n)
 * (rows × H), with r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n).
 */
export function gruGatesF32(xp: usize, hp: usize, h: usize, out: usize, H: i32, rows: i32): void {
  const hb = (<usize>H) << 2
  for (let r = 0; r < rows; r++) {
    const g = hb * 3 * <usize>r
    const s = hb * <usize>r
    let j = 0
    for (; j + 4 <= H; j += 4) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(gruQuad(xp + gj, hp + gj, h + sj, out + sj, hb, 4))
    }
    if (j < H) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(gruQuad(xp + gj, hp + gj, h + sj, out + sj, hb, H - j))
    }
  }
}

/** Four (or `n` < 4) elements of `gruGatesBackwardF32`. */
function gruBackQuad(x: usize, p: usize, h: usize, ct: usize, dx: usize, dp: usize, dh: usize, hb: usize, n: i32): void {
  const one = v128.load32_splat(ONE)
  const r = inline.always(sigmoidv(f32x4.add(ld(x, n), ld(p, n))))
  const z = inline.always(sigmoidv(f32x4.add(ld(x + hb, n), ld(p + hb, n))))
  const hn = inline.always(ld(p + 2 * hb, n))
  const nn = inline.always(tanhv(f32x4.add(ld(x + 2 * hb, n), f32x4.mul(r, hn))))
  const dy = inline.always(ld(ct, n))
  const dn = f32x4.mul(f32x4.mul(dy, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(nn, nn)))
  const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, hn), r), f32x4.sub(one, r))
  const dz = f32x4.mul(f32x4.mul(f32x4.mul(dy, f32x4.sub(inline.always(ld(h, n)), nn)), z), f32x4.sub(one, z))
  inline.always(st(dx, dr, n))
  inline.always(st(dx + hb, dz, n))
  inline.always(st(dx + 2 * hb, dn, n))
  inline.always(st(dp, dr, n))
  inline.always(st(dp + hb, dz, n))
  inline.always(st(dp + 2 * hb, f32x4.mul(dn, r), n))
  inline.always(st(dh, f32x4.mul(dy, z), n))
}

/**
 * The pullback of `gruGatesF32` at `xp`, `hp` (rows × 3H), `h` (rows × H) of the cotangent `ct`
 * (rows × H) → `dx`, `dhp` (rows × 3H), `dh` (rows × H).
 */
export function gruGatesBackwardF32(
  xp: usize,
  hp: usize,
  h: usize,
  ct: usize,
  dx: usize,
  dhp: usize,
  dh: usize,
  H: i32,
  rows: i32,
): void {
  const hb = (<usize>H) << 2
  for (let r = 0; r < rows; r++) {
    const g = hb * 3 * <usize>r
    const s = hb * <usize>r
    let j = 0
    for (; j + 4 <= H; j += 4) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(gruBackQuad(xp + gj, hp + gj, h + sj, ct + sj, dx + gj, dhp + gj, dh + sj, hb, 4))
    }
    if (j < H) {
      const gj = g + ((<usize>j) << 2)
      const sj = s + ((<usize>j) << 2)
      inline.always(gruBackQuad(xp + gj, hp + gj, h + sj, ct + sj, dx + gj, dhp + gj, dh + sj, hb, H - j))
    }
  }
}

// ---- elementwise maps (tests and benchmarks of the functions above) -------------------------------

/** Selects the function of {@link mapF32}: exp. */
export const MAP_EXP: i32 = 0
/** Selects σ. */
export const MAP_SIGMOID: i32 = 1
/** Selects tanh. */
export const MAP_TANH: i32 = 2

/** `out[k] = f(x[k])` for k < n, f = exp, σ or tanh as `fn` ({@link MAP_EXP}, …). */
export function mapF32(fn: i32, x: usize, out: usize, n: i32): void {
  for (let k = 0; k < n; k += 4) {
    const m = n - k
    const p = (<usize>k) << 2
    const v = inline.always(ld(x + p, m))
    const y = fn === MAP_EXP ? inline.always(expv(v)) : fn === MAP_SIGMOID ? inline.always(sigmoidv(v)) : inline.always(tanhv(v))
    inline.always(st(out + p, y, m))
  }
}
