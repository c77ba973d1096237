/**
 * Fused recurrent-cell kernels (the optional `fused` member of the Backend interface): the
 * elementwise part of an LSTM step and of a reset-after GRU step, and their pullbacks, each one
 * pass over its operands that allocates only its results.
 *
 * Numerics: the forward kernels evaluate the composed definitions in core in the same order with
 * the same `sigmoid` and `Math.tanh` as the unary kernels, and in float32 they round after every
 * operation as the composed kernels do (`Math.fround`), so their values are identical to the
 * composition. The backward kernels keep intermediates in float64 and round once.
 *
 * Layout: every operand is row-major with the same leading dimensions; `H` is read from the last
 * axis of the state operand; rows = elements of that operand / H.
 */
import { allocate, type FusedKernels, type Operand, type ReadonlyData } from '@recur/core'
import { sigmoid } from './unary.js'

/** The hidden size and number of rows of a state operand `(…, H)`. */
const layout = (state: Operand): readonly [h: number, rows: number] => {
  const h = state.shape[state.shape.length - 1] ?? 0
  return [h, h === 0 ? 0 : state.data.length / h]
}

// The forward kernels have one loop per dtype: with the rounding passed as a function, the call
// site sees two targets and the float32 loop runs ~1.5× slower (measured).

/** float32 `lstmGates`: as float64, rounding after every operation. */
const lstmGates32 = (g: ReadonlyData, s: ReadonlyData, h: Float32Array, c: Float32Array, H: number, rows: number): void => {
  const fr = Math.fround
  for (let r = 0; r < rows; r++) {
    const gi = 4 * H * r
    const si = H * r
    for (let j = 0; j < H; j++) {
      const i = fr(sigmoid(g[gi + j]!))
      const f = fr(sigmoid(g[gi + H + j]!))
      const u = fr(Math.tanh(g[gi + 2 * H + j]!))
      const o = fr(sigmoid(g[gi + 3 * H + j]!))
      const next = fr(fr(f * s[si + j]!) + fr(i * u))
      h[si + j] = o * fr(Math.tanh(next))
      c[si + j] = next
    }
  }
}

const lstmGates64 = (g: ReadonlyData, s: ReadonlyData, h: Float64Array, c: Float64Array, H: number, rows: number): void => {
  for (let r = 0; r < rows; r++) {
    const gi = 4 * H * r
    const si = H * r
    for (let j = 0; j < H; j++) {
      const i = sigmoid(g[gi + j]!)
      const f = sigmoid(g[gi + H + j]!)
      const u = Math.tanh(g[gi + 2 * H + j]!)
      const o = sigmoid(g[gi + 3 * H + j]!)
      const next = f * s[si + j]! + i * u
      h[si + j] = o * Math.tanh(next)
      c[si + j] = next
    }
  }
}

/** `gates` `(…, 4H)` (i, f, g, o), `c` `(…, H)` → `[h, c']`, both `(…, H)`. */
const lstmGates = (gates: Operand, c: Operand): readonly [ReadonlyData, ReadonlyData] => {
  const [H, rows] = layout(c)
  if (c.dtype === 'float32') {
    const h = new Float32Array(H * rows)
    const next = new Float32Array(H * rows)
    lstmGates32(gates.data, c.data, h, next, H, rows)
    return [h, next]
  }
  const h = new Float64Array(H * rows)
  const next = new Float64Array(H * rows)
  lstmGates64(gates.data, c.data, h, next, H, rows)
  return [h, next]
}

/** The pullback of `lstmGates`: dh, dc' `(…, H)` → `[d gates (…, 4H), d c (…, H)]`. */
const lstmGatesBackward = (gates: Operand, c: Operand, dh: Operand, dnext: Operand): readonly [ReadonlyData, ReadonlyData] => {
  const [H, rows] = layout(c)
  const g = gates.data
  const s = c.data
  const a = dh.data
  const b = dnext.data
  const dg = allocate(c.dtype, 4 * H * rows)
  const ds = allocate(c.dtype, H * rows)
  for (let r = 0; r < rows; r++) {
    const gi = 4 * H * r
    const si = H * r
    for (let j = 0; j < H; j++) {
      const i = sigmoid(g[gi + j]!)
      const f = sigmoid(g[gi + H + j]!)
      const u = Math.tanh(g[gi + 2 * H + j]!)
      const o = sigmoid(g[gi + 3 * H + j]!)
      const prev = s[si + j]!
      const tc = Math.tanh(f * prev + i * u)
      const d = a[si + j]!
      const dc = b[si + j]! + d * o * (1 - tc * tc)
      dg[gi + j] = dc * u * i * (1 - i)
      dg[gi + H + j] = dc * prev * f * (1 - f)
      dg[gi + 2 * H + j] = dc * i * (1 - u * u)
      dg[gi + 3 * H + j] = d * tc * o * (1 - o)
      ds[si + j] = dc * f
    }
  }
  return [dg, ds]
}

/** float32 `gruGates`: as float64, rounding after every operation. */
const gruGates32 = (x: ReadonlyData, p: ReadonlyData, s: ReadonlyData, out: Float32Array, H: number, rows: number): void => {
  const fr = Math.fround
  for (let row = 0; row < rows; row++) {
    const gi = 3 * H * row
    const si = H * row
    for (let j = 0; j < H; j++) {
      const r = fr(sigmoid(fr(x[gi + j]! + p[gi + j]!)))
      const z = fr(sigmoid(fr(x[gi + H + j]! + p[gi + H + j]!)))
      const n = fr(Math.tanh(fr(x[gi + 2 * H + j]! + fr(r * p[gi + 2 * H + j]!))))
      out[si + j] = n + fr(z * fr(s[si + j]! - n))
    }
  }
}

const gruGates64 = (x: ReadonlyData, p: ReadonlyData, s: ReadonlyData, out: Float64Array, H: number, rows: number): void => {
  for (let row = 0; row < rows; row++) {
    const gi = 3 * H * row
    const si = H * row
    for (let j = 0; j < H; j++) {
      const r = sigmoid(x[gi + j]! + p[gi + j]!)
      const z = sigmoid(x[gi + H + j]! + p[gi + H + j]!)
      const n = Math.tanh(x[gi + 2 * H + j]! + r * p[gi + 2 * H + j]!)
      out[si + j] = n + z * (s[si + j]! - n)
    }
  }
}

/** xp, hp `(…, 3H)` (r, z, n), h `(…, H)` → `n + z·(h − n)` `(…, H)`. */
const gruGates = (xp: Operand, hp: Operand, h: Operand): ReadonlyData => {
  const [H, rows] = layout(h)
  if (h.dtype === 'float32') {
    const out = new Float32Array(H * rows)
    gruGates32(xp.data, hp.data, h.data, out, H, rows)
    return out
  }
  const out = new Float64Array(H * rows)
  gruGates64(xp.data, hp.data, h.data, out, H, rows)
  return out
}

/** The pullback of `gruGates`: ct `(…, H)` → `[d xp (…, 3H), d hp (…, 3H), d h (…, H)]`. */
const gruGatesBackward = (
  xp: Operand,
  hp: Operand,
  h: Operand,
  ct: Operand,
): readonly [ReadonlyData, ReadonlyData, ReadonlyData] => {
  const [H, rows] = layout(h)
  const x = xp.data
  const p = hp.data
  const s = h.data
  const d = ct.data
  const dx = allocate(h.dtype, 3 * H * rows)
  const dp = allocate(h.dtype, 3 * H * rows)
  const ds = allocate(h.dtype, H * rows)
  for (let row = 0; row < rows; row++) {
    const gi = 3 * H * row
    const si = H * row
    for (let j = 0; j < H; j++) {
      const r = sigmoid(x[gi + j]! + p[gi + j]!)
      const z = sigmoid(x[gi + H + j]! + p[gi + H + j]!)
      const hn = p[gi + 2 * H + j]!
      const n = Math.tanh(x[gi + 2 * H + j]! + r * hn)
      const dy = d[si + j]!
      const dn = dy * (1 - z) * (1 - n * n)
      const dr = dn * hn * r * (1 - r)
      const dz = dy * (s[si + j]! - n) * z * (1 - z)
      dx[gi + j] = dr
      dx[gi + H + j] = dz
      dx[gi + 2 * H + j] = dn
      dp[gi + j] = dr
      dp[gi + H + j] = dz
      dp[gi + 2 * H + j] = dn * r
      ds[si + j] = dy * z
    }
  }
  return [dx, dp, ds]
}

/** The fused kernels of the CPU backend, float32 and float64. */
export const fused: FusedKernels = { lstmGates, lstmGatesBackward, gruGates, gruGatesBackward }
