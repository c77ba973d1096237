/**
 * The fused LSTM / GRU gate kernels of `cpuFast`: float32 operands on the WebAssembly f32x4
 * kernels of `assembly/gates.ts`, float64 operands on the JavaScript kernels of `fused.ts`.
 *
 * Each float32 call copies its operands into the module's memory (the arena of `wasmModule.ts`,
 * from `scratchStart()`), runs one kernel call and copies each result out into a fresh
 * `Float32Array`: inputs are never written, and results never alias wasm memory.
 *
 * Numerics: the wasm kernels evaluate the same formulas in the same order, rounding to float32
 * after every operation, but with a polynomial exp (Cephes `expf`: within 1 ulp of exp wherever
 * that is a normal float32 below 2.4·10³⁸, measured) and the sigmoid (2.5 ulp) and tanh (1.5
 * ulp; its own polynomial for |x| < 0.625, so relatively accurate near 0) built on it. So their
 * results are not those of the JavaScript float32 kernels (float64 `Math.exp` and `Math.tanh`
 * rounded once per factor, float64 intermediates in the pullbacks): they differ by a few ulps of
 * float32 per factor, at most about 2·ε₃₂·m^p per element (m = max(1, |inputs of the element|),
 * p = 0 for h, 1 for c' and the GRU output, 2 for gradients; `test/fusedWasm.test.ts` allows 8),
 * far within the conformance kit's fused tolerance (64·ε₃₂·max(1, max |input|)²,
 * `fusedCases.ts`). Saturation is exact (σ is 0 or 1, tanh ±1, for large |x| and ±∞), and NaN
 * propagates.
 *
 * Layout: every operand is row-major with the same leading dimensions; `H` is the last axis of the
 * state operand (`c` or `h`), rows = its elements / H.
 *
 * @since 0.1.0
 */
import type { FusedKernels, Operand, ReadonlyData } from '@recur/core'
import { fused } from './fused.js'
import { align16, lazyExports, reserveFloats, scratchStart } from './wasmModule.js'

/** The hidden size and number of rows of a state operand `(…, H)`. */
const layout = (state: Operand): readonly [h: number, rows: number] => {
  const h = state.shape[state.shape.length - 1] ?? 0
  return [h, h === 0 ? 0 : state.data.length / h]
}

/** The gate kernels of the module (`assembly/gates.ts`). */
const gates = lazyExports({
  lstmForward: 'lstmGatesF32',
  lstmBackward: 'lstmGatesBackwardF32',
  gruForward: 'gruGatesF32',
  gruBackward: 'gruGatesBackwardF32',
  map: 'mapF32',
})

/**
 * Lays out float32 blocks for `inputs` and then for `outputs` (lengths) from `scratchStart()`,
 * each 16-byte aligned, and copies the inputs in. Returns the memory as floats and every block's
 * byte address, inputs first.
 */
const arena = (op: string, inputs: readonly ReadonlyData[], outputs: readonly number[]) => {
  const at: number[] = []
  let end = scratchStart()
  for (const n of [...inputs.map((x) => x.length), ...outputs]) {
    at.push(end)
    end = align16(end + 4 * n)
  }
  const f32 = reserveFloats(op, end)
  inputs.forEach((data, k) => {
    const from = (at[k] ?? 0) / 4
    if (data instanceof Float32Array || data instanceof Float64Array) f32.set(data, from)
    else for (let i = 0; i < data.length; i++) f32[from + i] = data[i] ?? 0
  })
  return { f32, at }
}

/** A copy of the `n` floats from byte address `at`. */
const out = (f32: Float32Array, at: number, n: number): Float32Array => f32.slice(at / 4, at / 4 + n)

/** float32: on `lstmGatesF32`. */
const lstmGates = (gatesIn: Operand, c: Operand): readonly [ReadonlyData, ReadonlyData] => {
  if (c.dtype !== 'float32') return fusedJs.lstmGates(gatesIn, c)
  const [H, rows] = layout(c)
  const n = H * rows
  if (n === 0) return [new Float32Array(0), new Float32Array(0)]
  const { f32, at } = arena('lstmGates', [gatesIn.data, c.data], [n, n])
  const [g = 0, s = 0, h = 0, next = 0] = at
  gates().lstmForward(g, s, h, next, H, rows)
  return [out(f32, h, n), out(f32, next, n)]
}

/** float32: on `lstmGatesBackwardF32`. */
const lstmGatesBackward = (gatesIn: Operand, c: Operand, dh: Operand, dc: Operand): readonly [ReadonlyData, ReadonlyData] => {
  if (c.dtype !== 'float32') return fusedJs.lstmGatesBackward(gatesIn, c, dh, dc)
  const [H, rows] = layout(c)
  const n = H * rows
  if (n === 0) return [new Float32Array(0), new Float32Array(0)]
  const { f32, at } = arena('lstmGatesBackward', [gatesIn.data, c.data, dh.data, dc.data], [4 * n, n])
  const [g = 0, s = 0, a = 0, b = 0, dg = 0, ds = 0] = at
  gates().lstmBackward(g, s, a, b, dg, ds, H, rows)
  return [out(f32, dg, 4 * n), out(f32, ds, n)]
}

/** float32: on `gruGatesF32`. */
const gruGates = (xp: Operand, hp: Operand, h: Operand): ReadonlyData => {
  if (h.dtype !== 'float32') return fusedJs.gruGates(xp, hp, h)
  const [H, rows] = layout(h)
  const n = H * rows
  if (n === 0) return new Float32Array(0)
  const { f32, at } = arena('gruGates', [xp.data, hp.data, h.data], [n])
  const [x = 0, p = 0, s = 0, o = 0] = at
  gates().gruForward(x, p, s, o, H, rows)
  return out(f32, o, n)
}

/** float32: on `gruGatesBackwardF32`. */
const gruGatesBackward = (
  xp: Operand,
  hp: Operand,
  h: Operand,
  ct: Operand,
): readonly [ReadonlyData, ReadonlyData, ReadonlyData] => {
  if (h.dtype !== 'float32') return fusedJs.gruGatesBackward(xp, hp, h, ct)
  const [H, rows] = layout(h)
  const n = H * rows
  if (n === 0) return [new Float32Array(0), new Float32Array(0), new Float32Array(0)]
  const { f32, at } = arena('gruGatesBackward', [xp.data, hp.data, h.data, ct.data], [3 * n, 3 * n, n])
  const [x = 0, p = 0, s = 0, d = 0, dx = 0, dp = 0, ds = 0] = at
  gates().gruBackward(x, p, s, d, dx, dp, ds, H, rows)
  return [out(f32, dx, 3 * n), out(f32, dp, 3 * n), out(f32, ds, n)]
}

/** The JavaScript kernels (every one is present in `fused.ts`). */
const fusedJs = {
  lstmGates: fused.lstmGates ?? missing('lstmGates'),
  lstmGatesBackward: fused.lstmGatesBackward ?? missing('lstmGatesBackward'),
  gruGates: fused.gruGates ?? missing('gruGates'),
  gruGatesBackward: fused.gruGatesBackward ?? missing('gruGatesBackward'),
}

function missing(name: string): never {
  throw new Error(`@recur/backend-cpu: fused.ts has no ${name} kernel`)
}

/**
 * The fused kernels of `cpuFast` (the semantics and shapes of `FusedKernels` in core):
 * - `lstmGates(gates (…, 4H), c (…, H))` → `[h, c']`, both `(…, H)`;
 * - `lstmGatesBackward(gates (…, 4H), c (…, H), dh (…, H), dc (…, H))` → `[d gates (…, 4H), d c (…, H)]`;
 * - `gruGates(xp (…, 3H), hp (…, 3H), h (…, H))` → `(…, H)`;
 * - `gruGatesBackward(xp (…, 3H), hp (…, 3H), h (…, H), ct (…, H))` → `[d xp (…, 3H), d hp (…, 3H), d h (…, H)]`.
 *
 * float32 operands run on the WebAssembly f32x4 kernels (4–9× faster at batch 32, H = 256, copies
 * included; less on tiny operands, where allocating the results dominates), with an approximated
 * exp: results within a few ulps of float32 of `cpu`'s, see the module documentation. float64
 * operands run on `cpu`'s JavaScript kernels, unchanged.
 *
 * @category kernels
 * @since 0.1.0
 */
export const fusedFast: FusedKernels = { lstmGates, lstmGatesBackward, gruGates, gruGatesBackward }

/**
 * The elementwise functions of the wasm kernels, for tests and benchmarks.
 *
 * @category internal
 * @since 0.1.0
 */
export type WasmFunction = 'exp' | 'sigmoid' | 'tanh'

const functionCodes: { readonly [F in WasmFunction]: number } = { exp: 0, sigmoid: 1, tanh: 2 }

/**
 * `f` of every element of `x` in float32, as the wasm gate kernels evaluate it (`exp`: Cephes
 * `expf`; `sigmoid`, `tanh`: built on it, see `assembly/gates.ts`). Returns a fresh array of
 * `x.length` elements.
 *
 * @category internal
 * @since 0.1.0
 */
export const wasmMap = (f: WasmFunction, x: Float32Array): Float32Array => {
  if (x.length === 0) return new Float32Array(0)
  const { f32, at } = arena(`wasmMap(${f})`, [x], [x.length])
  const [src = 0, dst = 0] = at
  gates().map(functionCodes[f], src, dst, x.length)
  return out(f32, dst, x.length)
}
