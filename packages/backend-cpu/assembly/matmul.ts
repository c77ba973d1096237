/**
 * The WebAssembly matmul kernel of `@recur/backend-cpu` (AssemblyScript, SIMD128), compiled by
 * `scripts/build-wasm.mjs` to `packages/backend-cpu/wasm/matmul.wasm`.
 *
 * One call of {@link gemm} computes `out = A · B` for one (m × k) · (k × n) product of operands
 * already copied into this module's memory, read through element strides (so transposes cost
 * nothing), in one of three modes:
 * - {@link F32} and {@link F64}: float32 or float64 operands, float64 sums (as the JavaScript
 *   kernel): operands are packed into float64 strips for a 4 × 4 f64x2 micro-kernel and a float32
 *   result is rounded once, at the end;
 * - {@link F32_SUMS}: float32 operands and float32 sums, on a 4 × 8 f32x4 micro-kernel, about 2.3×
 *   faster; its rounding error grows as k·ε₃₂ instead of k·ε₆₄ (the `cpuFast` backend).
 *
 * GotoBLAS blocking: `jc` splits n into blocks of NC columns, `pc` splits k into blocks of KC, `ic`
 * splits m into blocks of MC rows; each KC × NC block of B is packed into NR-wide strips and each
 * MC × KC block of A into MR-tall strips (zero padded, `pack.ts`), and the MR × NR micro-kernel
 * (`micro.ts`) holds its tile in registers over the KC block and adds it into a scratch `c` whose
 * row and column counts are padded to multiples of MR and NR, so every tile is a full one. Block
 * sizes matter little here (KC 128–512, MC 32–128, NC 512–1024 within ±5%): the kernel is bound
 * by arithmetic, not memory.
 *
 * Products with fewer rows than the tile (vector–matrix products, an unbatched RNN step) skip
 * packing (`thin.ts`), with float64 sums except in {@link F32_SUMS}, where they sum in float32 too.
 *
 * Memory is managed by the caller (see `src/kernels/wasmModule.ts`): it grows the memory and lays
 * out operands, scratch and output from {@link heapBase}; {@link workBytes} and
 * {@link scratchBytes} tell it the scratch needed.
 */

import { micro4x4, micro4x8 } from './micro'
import { MR, packA, packB } from './pack'
import { put, thin, thin32 } from './thin'

export * from './gates'
export * from './recurrence'

/** Mode: float32 operands, float64 sums. */
export const F32: i32 = 0
/** Mode: float64 operands, float64 sums. */
export const F64: i32 = 1
/** Mode: float32 operands, float32 sums. */
export const F32_SUMS: i32 = 2

/** Depth of a block: a KC × NR strip of packed B (8 KiB) stays in L1. */
const KC: i32 = 256
/** Rows of a block of A: MC × KC packed (128 KiB in float64) stays in L2. */
const MC: i32 = 64
/** Columns of a block of B: KC × NC packed (1 MiB in float64) bounds the scratch memory. */
const NC: i32 = 512

/** `x` rounded up to a multiple of `q`. */
function roundUp(x: i32, q: i32): i32 {
  return ((x + q - 1) / q) * q
}

/** Columns of the register tile in `mode`. */
function nrOf(mode: i32): i32 {
  return mode === F32_SUMS ? 8 : 4
}

/** Bytes of a packed or accumulated element in `mode`. */
function accBytes(mode: i32): i32 {
  return mode === F32_SUMS ? 4 : 8
}

/** The first byte of memory past this module's static data: the caller's from there on. */
export function heapBase(): usize {
  return __heap_base
}

/** Bytes of packing scratch (`work`) that {@link gemm} needs for an (m × k) · (k × n) product. */
export function workBytes(mode: i32, m: i32, n: i32, k: i32): i32 {
  if (m < MR) return (roundUp(k, 2) + n) * 8
  const kc = min(KC, k)
  return (roundUp(min(MC, m), MR) + roundUp(min(NC, n), nrOf(mode))) * kc * accBytes(mode)
}

/** Bytes of the padded accumulator (`c`) that {@link gemm} needs for an m × n result. */
export function scratchBytes(mode: i32, m: i32, n: i32): i32 {
  if (m < MR) return 0
  return roundUp(m, MR) * roundUp(n, nrOf(mode)) * accBytes(mode)
}

/**
 * The blocked product into the padded scratch `c` (row stride `ldc` elements, zeroed first), with
 * operands of type T packed as P and a micro-kernel accumulating in P.
 */
function blocked<T, P>(
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
  prepacked: usize,
  fresh: bool,
): void {
  const NR: i32 = sizeof<P>() === 8 ? 4 : 8
  const el = usize(sizeof<P>())
  const packedB = work + usize(roundUp(min(MC, m), MR) * min(KC, k)) * el
  if (fresh) memory.fill(c, 0, usize(roundUp(m, MR) * ldc) * el)
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      let blockB = packedB
      if (prepacked === 0) packB<T, P>(b, brs, bcs, pc, kc, jc, nc, NR, packedB)
      else blockB = prepacked + usize(jc * k + roundUp(nc, NR) * pc) * el
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic)
        packA<T, P>(a, ars, acs, ic, mc, pc, kc, work)
        for (let jr = 0; jr < nc; jr += NR) {
          const pb = blockB + usize(jr * kc) * el
          for (let ir = 0; ir < mc; ir += MR) {
            const pa = work + usize(ir * kc) * el
            const at = c + usize((ic + ir) * ldc + jc + jr) * el
            if (sizeof<P>() === 8) micro4x4(kc, pa, pb, at, usize(ldc))
            else micro4x8(kc, pa, pb, at, usize(ldc))
          }
        }
      }
    }
  }
}

/** Copies rows `[0, m)` × columns `[0, n)` of the padded scratch `c` (stride `ldc`) to `out` as T. */
function unpad<T, P>(c: usize, ldc: i32, m: i32, n: i32, out: usize): void {
  const el = usize(sizeof<P>())
  const size = usize(sizeof<T>())
  // the scratch already is the result (see inScratch)
  if (out === c && ldc === n && sizeof<T>() === sizeof<P>()) return
  for (let i = 0; i < m; i++) {
    const src = c + usize(i * ldc) * el
    const dst = out + usize(i * n) * size
    if (sizeof<T>() === sizeof<P>()) memory.copy(dst, src, usize(n) * size)
    else for (let j = 0; j < n; j++) put<T>(dst + usize(j) * size, load<f64>(src + usize(j) * 8))
  }
}

/**
 * Bytes of B (k × n) packed whole by {@link packAll} for mode `mode`: every KC × NC block of
 * {@link blocked}'s loops, in its order, as that loop would pack it.
 */
export function packedBytes(mode: i32, k: i32, n: i32): i32 {
  return roundUp(n, nrOf(mode)) * k * accBytes(mode)
}

function packAllOf<T, P>(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  const NR: i32 = sizeof<P>() === 8 ? 4 : 8
  const el = usize(sizeof<P>())
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc)
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc)
      packB<T, P>(b, brs, bcs, pc, kc, jc, nc, NR, dst + usize(jc * k + roundUp(nc, NR) * pc) * el)
    }
  }
}

/**
 * Packs all of B (k × n, element (p, j) at `b + (p·brs + j·bcs)·size`) into `dst`
 * ({@link packedBytes} bytes, 16-byte aligned), for {@link gemmPacked}: a B used by many products
 * (a recurrent weight, every step) is packed once instead of once per product.
 */
export function packAll(mode: i32, b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  if (mode === F64) packAllOf<f64, f64>(b, brs, bcs, k, n, dst)
  else if (mode === F32) packAllOf<f32, f64>(b, brs, bcs, k, n, dst)
  else packAllOf<f32, f32>(b, brs, bcs, k, n, dst)
}

/** The blocked product in `mode` (B packed at `prepacked`, or packed here when 0), then unpadded to `out`. */
function product(
  mode: i32,
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
  prepacked: usize,
  fresh: bool = true,
  finish: bool = true,
): void {
  const ldc = roundUp(n, nrOf(mode))
  if (mode === F64) {
    blocked<f64, f64>(a, ars, acs, b, brs, bcs, m, n, k, work, c, ldc, prepacked, fresh)
    if (finish) unpad<f64, f64>(c, ldc, m, n, out)
  } else if (mode === F32) {
    blocked<f32, f64>(a, ars, acs, b, brs, bcs, m, n, k, work, c, ldc, prepacked, fresh)
    if (finish) unpad<f32, f64>(c, ldc, m, n, out)
  } else {
    blocked<f32, f32>(a, ars, acs, b, brs, bcs, m, n, k, work, c, ldc, prepacked, fresh)
    if (finish) unpad<f32, f32>(c, ldc, m, n, out)
  }
}

/**
 * One part of a product summed over k in parts (m ≥ 4 rows): `c += A·B` for the next `k` terms,
 * with `c` zeroed first when `fresh`, and the result written to `out` when `finish`. Parts of a
 * multiple of {@link kcBlock} terms (all but the last) add each entry's block sums in the same
 * order as one {@link gemm} call over all the terms, so the bits are the same.
 */
export function gemmPart(
  mode: i32,
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
  fresh: bool,
  finish: bool,
): void {
  product(mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out, 0, fresh, finish)
}

/** The depth of the kernel's blocks over k: parts of {@link gemmPart} are multiples of it. */
export function kcBlock(): i32 {
  return KC
}

/**
 * {@link gemm} (m ≥ 4 rows) with B already packed by {@link packAll} at `packed`: the same
 * blocks, the same micro-kernel calls in the same order, so the same bits as {@link gemm}.
 */
export function gemmPacked(
  mode: i32,
  a: usize,
  ars: i32,
  acs: i32,
  packed: usize,
  m: i32,
  n: i32,
  k: i32,
  work: usize,
  c: usize,
  out: usize,
): void {
  product(mode, a, ars, acs, 0, 0, 0, m, n, k, work, c, out, packed)
}

/**
 * Whether the padded scratch `c` of an m × n product in `mode` holds the result itself, row-major
 * (no padded columns, accumulated in the operands' type): the caller may then pass `out = c` and
 * read the result there, and the copy is skipped.
 */
export function inScratch(mode: i32, m: i32, n: i32): bool {
  return m >= MR && n % nrOf(mode) === 0 && mode !== F32
}

/** The smallest number of rows {@link gemmPacked} takes (fewer go to the unpacked path). */
export function packedMinRows(): i32 {
  return MR
}

/**
 * `out = A · B` for one product: A is m × k with element (i, p) at `a + (i·ars + p·acs)·size`, B is
 * k × n with element (p, j) at `b + (p·brs + j·bcs)·size`, `size` 8 in mode {@link F64} and 4
 * otherwise. `out` receives the m × n result row-major in the operands' dtype. `work` is scratch of
 * {@link workBytes}, `c` scratch of {@link scratchBytes} (16-byte aligned). Operands are only read.
 */
export function gemm(
  mode: i32,
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
    if (mode === F64) thin<f64>(a, ars, acs, b, brs, bcs, m, n, k, work, out)
    else if (mode === F32_SUMS) thin32(a, ars, acs, b, brs, bcs, m, n, k, work, out)
    else thin<f32>(a, ars, acs, b, brs, bcs, m, n, k, work, out)
    return
  }
  product(mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out, 0)
}
