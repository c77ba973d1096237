/**
 * The whole-sequence recurrence kernels of `cpuFast` (`lstmRecurrence`, `gruRecurrence` and their
 * backward kernels; semantics in core's `ops/recurrence.ts`): float32 sequences run every step in
 * WebAssembly memory, with no allocation and no copy per step; float64 ones run step by step as
 * core's composed definition (the kernels return `undefined` for them).
 *
 * float32: the operands are copied in once and the weights packed once for the whole sequence (or
 * found packed from an earlier call, `keptOperands.ts`); the forward kernels first project every
 * step's input in one product; then each step is one product on the packed recurrent weight
 * (`gemmPacked`; the unpacked path for fewer than four rows), float32 sums with the projection and
 * biases (`assembly/recurrence.ts`) and one gate kernel call (`assembly/gates.ts`), each reading
 * the previous step's results where they lie (the gate pre-activations and, backward, their
 * cotangents replace their inputs in place, so a call holds one block per sequence of gates); the
 * results are copied out at the end (without residuals, only the outputs and the final state).
 * These are the kernels `cpuFast` runs for the composed definition, in the same order, so the
 * results are the same as core's composed definition on `cpuFast`.
 *
 * @since 0.1.0
 */
import type { FusedKernels, Operand, ReadonlyData } from '@recur/core'
import { keptCopy, keptPacked } from './keptOperands.js'
import { usesWasm } from './matmulCpu.js'
import { team } from './threads.js'
import { align16, keptGenerationNow, lazyExports, reserveFloats, scratchStart, WasmMode, wasm } from './wasmModule.js'

/** The step kernels of the module (`assembly/recurrence.ts`, `assembly/gates.ts`). */
const step = lazyExports({
  add: 'addF32',
  addRow: 'addRowF32',
  sumRows: 'sumRowsF32',
  lstm: 'lstmGatesF32',
  lstmBackward: 'lstmGatesBackwardF32',
  gru: 'gruGatesF32',
  gruBackward: 'gruGatesBackwardF32',
})

/** The time indices in processing order. */
const order = (l: number, reverse: boolean): number[] => Array.from({ length: l }, (_, k) => (reverse ? l - 1 - k : k))

/**
 * A bump allocator over the scratch arena, from `scratchStart()` (so after any weight kept by
 * this call): `take` returns 16-byte aligned byte addresses; `ready` grows the memory to hold
 * everything taken and returns it as floats.
 */
const arena = () => {
  let end = scratchStart()
  return {
    take: (bytes: number): number => {
      const at = end
      end = align16(end + bytes)
      return at
    },
    ready: (op: string): Float32Array => reserveFloats(op, end),
  }
}

/** A weight used as the right operand of products `(rows × k)·(k × n)`; `transposeB`: it is `(n, k)`. */
interface WeightUse {
  readonly w: Operand
  readonly rows: number
  readonly k: number
  readonly n: number
  readonly transposeB: boolean
}

/** How `matmulFast` sums such a product: float32 on the WebAssembly kernel, float64 where it leaves it to JavaScript. */
const modeOf = (u: WeightUse): WasmMode => (usesWasm(u.rows, u.n, u.k) ? WasmMode.f32Sums : WasmMode.f32)

const stridesOf = (u: WeightUse): readonly [number, number] => (u.transposeB ? [1, u.k] : [u.n, 1])

const keptFor = (u: WeightUse): number | undefined => {
  const [brs, bcs] = stridesOf(u)
  return u.rows < wasm.packedMinRows ? keptCopy(u.w) : keptPacked(u.w, modeOf(u), { brs, bcs, k: u.k, n: u.n })
}

/**
 * The weights of a call, each kept from an earlier call or packed (copied, for thin products)
 * into the arena for this call, then the arena itself: `mem` for the caller's blocks, `load` to
 * copy and pack what was not kept once the memory is ready, and one product function per weight
 * (`out = A·B`, A `(rows × k)` row-major at byte address `a`).
 */
const weights = (uses: readonly WeightUse[]) => {
  const generation = keptGenerationNow()
  const found = uses.map(keptFor)
  // keeping a later weight may have recycled the kept region under an earlier one: keep none then
  const kept = keptGenerationNow() === generation ? found : uses.map(() => undefined)
  const mem = arena()
  const parts = uses.map((u, i) => {
    const mode = modeOf(u)
    const thin = u.rows < wasm.packedMinRows
    const own = kept[i] === undefined
    const raw = own ? mem.take(4 * u.w.data.length) : 0
    const packed = own && !thin ? mem.take(wasm.packedBytes(mode, u.k, u.n)) : 0
    const work = mem.take(wasm.workBytes(mode, u.rows, u.n, u.k))
    const scratch = mem.take(wasm.scratchBytes(mode, u.rows, u.n))
    const [brs, bcs] = stridesOf(u)
    const at = kept[i] ?? (thin ? raw : packed)
    return {
      load: (f32: Float32Array): void => {
        if (!own) return
        put(f32, raw, u.w.data)
        if (!thin) wasm.packAll(mode, raw, brs, bcs, u.k, u.n, packed)
      },
      product: (a: number, out: number): void => {
        if (!thin) team().gemmPacked(mode, a, u.k, 1, at, u.rows, u.n, u.k, work, scratch, out)
        else team().gemm(mode, a, u.k, 1, at, brs, bcs, u.rows, u.n, u.k, work, scratch, out)
      },
    }
  })
  return {
    mem,
    load: (f32: Float32Array): void => {
      for (const p of parts) p.load(f32)
    },
    products: parts.map((p) => p.product),
  }
}

type Product = (a: number, out: number) => void

/** Copies `data` into the float view at byte address `at`. */
const put = (f32: Float32Array, at: number, data: ReadonlyData): void => {
  if (data instanceof Float32Array) f32.set(data, at / 4)
  else for (let i = 0; i < data.length; i++) f32[at / 4 + i] = data[i] ?? 0
}

/** A fresh copy of `count` floats from byte address `at`. */
const out = (f32: Float32Array, at: number, count: number): Float32Array => f32.slice(at / 4, at / 4 + count)

/** A result with no elements (a residual not kept); a new one each time, as results never share. */
const none = (): Float32Array => new Float32Array(0)

/** Results up to this many floats in all share one fresh allocation (each costs about 1 µs). */
const SMALL_RESULTS = 16384

/**
 * Fresh copies of the blocks `[at, count]` (byte address, floats): for small results (a
 * streaming step) views of one new array, so that a call allocates once; else one array each,
 * so that dropping one result never keeps the others' memory.
 */
const outs = (f32: Float32Array, blocks: readonly (readonly [at: number, count: number])[]): Float32Array[] => {
  const total = blocks.reduce((n, [, c]) => n + c, 0)
  if (total > SMALL_RESULTS) return blocks.map(([at, c]) => out(f32, at, c))
  const all = new Float32Array(total)
  let from = 0
  return blocks.map(([at, c]) => {
    all.set(f32.subarray(at / 4, at / 4 + c), from)
    from += c
    return all.subarray(from - c, from)
  })
}

/** Sizes of a recurrence from a sequence operand `(L, N, ·)` and a state `(N, H)`. */
const sizes = (seq: Operand, state: Operand) => {
  const [l = 0, n = 0, i = 0] = seq.shape
  const h = state.shape[1] ?? 0
  return { l, n, h, i }
}

/** Lays out float32 blocks of the given element counts; returns their byte addresses, in order. */
const blocks = <const T extends readonly number[]>(m: ReturnType<typeof arena>, counts: T): { readonly [K in keyof T]: number } =>
  counts.map((c) => m.take(4 * c)) as { readonly [K in keyof T]: number }

/**
 * A forward kernel's sizes (`g` gates per step) and weights: the input projection of every step,
 * `(L·N × I)·W_ihᵀ`, and each step's recurrent product `(N × H)·W_hhᵀ`.
 */
const forwardSetup = (x: Operand, wIh: Operand, wHh: Operand, h0: Operand, g: number) => {
  const { l, n, h, i } = sizes(x, h0)
  const w = weights([
    { w: wIh, rows: l * n, k: i, n: g * h, transposeB: true },
    { w: wHh, rows: n, k: h, n: g * h, transposeB: true },
  ])
  const [project, recur] = w.products as [Product, Product]
  return { l, n, h, i, state: n * h, width: g * n * h, w, project, recur }
}

/** A backward kernel's sizes (`g` gates per step) and weight: each step's `(N × G·H)·W_hh`. */
const backwardSetup = (seq: Operand, state0: Operand, wHh: Operand, g: number) => {
  const { l, n, h } = sizes(seq, state0)
  const w = weights([{ w: wHh, rows: n, k: g * h, n: h, transposeB: false }])
  const [product] = w.products as [Product]
  return { l, n, h, state: n * h, width: g * n * h, w, product }
}

/**
 * Grows the memory for everything laid out in `w.mem`, copies (and packs) the weights that were
 * not kept and each operand to its block; returns the memory as floats.
 */
const start = (w: ReturnType<typeof weights>, op: string, pairs: readonly (readonly [number, Operand])[]): Float32Array => {
  const f32 = w.mem.ready(op)
  w.load(f32)
  for (const [at, x] of pairs) put(f32, at, x.data)
  return f32
}

const lstm32 = (
  x: Operand,
  wIh: Operand,
  wHh: Operand,
  b: Operand,
  h0: Operand,
  c0: Operand,
  reverse: boolean,
  residuals: boolean,
) => {
  const { l, n, h, i, state, width, w, project, recur } = forwardSetup(x, wIh, wHh, h0, 4)
  const kept = residuals ? l : 1
  // the gate pre-activations replace the projection in place (its block is the gates' result)
  const [xA, xp, bA, hA, cA, ysA, csA, tmp] = blocks(w.mem, [
    l * n * i,
    l * width,
    4 * h,
    state,
    state,
    l * state,
    (kept + 1) * state,
    width,
  ])
  const f32 = start(w, 'lstmRecurrence', [
    [xA, x],
    [bA, b],
    [hA, h0],
    [cA, c0],
  ])
  if (l > 0) project(xA, xp)
  const k = step()
  let [hPrev, cPrev] = [hA, cA]
  for (let s = 0; s < l; s++) {
    const t = reverse ? l - 1 - s : s
    // without residuals two cell-state blocks in turn
    const g = xp + 4 * t * width
    const ct = csA + 4 * (residuals ? t : s % 2) * state
    recur(hPrev, tmp)
    k.add(g, tmp, g, width)
    k.addRow(g, bA, g, n, 4 * h)
    const ht = ysA + 4 * t * state
    k.lstm(g, cPrev, ht, ct, h, n)
    ;[hPrev, cPrev] = [ht, ct]
  }
  const [ys = none(), cells = none(), gates = none()] = outs(
    f32,
    residuals
      ? [
          [ysA, l * state],
          [csA, l * state],
          [xp, l * width],
        ]
      : [
          [ysA, l * state],
          [cPrev, state],
        ],
  )
  return [ys, cells, gates] as const
}

const lstmBackward32 = (
  gates: Operand,
  cs: Operand,
  c0: Operand,
  wHh: Operand,
  dys: Operand,
  dh: Operand,
  dc: Operand,
  reverse: boolean,
) => {
  const { l, n, h, state, width, w, product } = backwardSetup(gates, c0, wHh, 4)
  // the gates' cotangents replace the gates in place, step by step
  const [gA, csA, c0A, dyA, dhA, dcA, dcB, dhn, db, acc] = blocks(w.mem, [
    l * width,
    l * state,
    state,
    l * state,
    state,
    state,
    state,
    state,
    4 * h,
    8 * h,
  ])
  const f32 = start(w, 'lstmRecurrenceBackward', [
    [gA, gates],
    [csA, cs],
    [c0A, c0],
    [dyA, dys],
    [dhA, dh],
    [dcA, dc],
  ])
  const k = step()
  const steps = order(l, reverse)
  let [dcNow, dcNext] = [dcA, dcB]
  for (let s = steps.length - 1; s >= 0; s--) {
    const t = steps[s] ?? 0
    const prev = s === 0 ? c0A : csA + 4 * (steps[s - 1] ?? 0) * state
    k.add(dhA, dyA + 4 * t * state, dhn, state)
    const dg = gA + 4 * t * width
    k.lstmBackward(dg, prev, dhn, dcNow, dg, dcNext, h, n)
    product(dg, dhA)
    ;[dcNow, dcNext] = [dcNext, dcNow]
  }
  k.sumRows(gA, l * n, 4 * h, acc, db)
  const [dG = none(), dh0 = none(), dc0 = none(), dB = none()] = outs(f32, [
    [gA, l * width],
    [dhA, state],
    [dcNow, state],
    [db, 4 * h],
  ])
  return [dG, dh0, dc0, dB] as const
}

const gru32 = (
  x: Operand,
  wIh: Operand,
  wHh: Operand,
  bIh: Operand,
  bHh: Operand,
  h0: Operand,
  reverse: boolean,
  residuals: boolean,
) => {
  const { l, n, h, i, state, width, w, project, recur } = forwardSetup(x, wIh, wHh, h0, 3)
  const kept = residuals ? l : 1
  // xb = xp + b_ih replaces the projection in place (its block is the xb result)
  const [xA, xp, biA, bhA, hA, ysA, hpA] = blocks(w.mem, [l * n * i, l * width, 3 * h, 3 * h, state, l * state, kept * width])
  const f32 = start(w, 'gruRecurrence', [
    [xA, x],
    [biA, bIh],
    [bhA, bHh],
    [hA, h0],
  ])
  if (l > 0) project(xA, xp)
  const k = step()
  let hPrev = hA
  for (const t of order(l, reverse)) {
    const [xb, hp] = [xp + 4 * t * width, hpA + 4 * (residuals ? t : 0) * width]
    recur(hPrev, hp)
    k.addRow(hp, bhA, hp, n, 3 * h)
    k.addRow(xb, biA, xb, n, 3 * h)
    const ht = ysA + 4 * t * state
    k.gru(xb, hp, hPrev, ht, h, n)
    hPrev = ht
  }
  const [ys = none(), xb = none(), hp = none()] = outs(
    f32,
    residuals
      ? [
          [ysA, l * state],
          [xp, l * width],
          [hpA, l * width],
        ]
      : [[ysA, l * state]],
  )
  return [ys, xb, hp] as const
}

const gruBackward32 = (
  xb: Operand,
  hp: Operand,
  ys: Operand,
  h0: Operand,
  wHh: Operand,
  dys: Operand,
  dh: Operand,
  reverse: boolean,
) => {
  const { l, n, h, state, width, w, product } = backwardSetup(xb, h0, wHh, 3)
  // the cotangents of xb and hp replace them in place, step by step
  const [xA, hpA, ysA, h0A, dyA, dhA, dhn, direct, dbi, dbh, acc] = blocks(w.mem, [
    l * width,
    l * width,
    l * state,
    state,
    l * state,
    state,
    state,
    state,
    3 * h,
    3 * h,
    6 * h,
  ])
  const f32 = start(w, 'gruRecurrenceBackward', [
    [xA, xb],
    [hpA, hp],
    [ysA, ys],
    [h0A, h0],
    [dyA, dys],
    [dhA, dh],
  ])
  const k = step()
  const steps = order(l, reverse)
  for (let s = steps.length - 1; s >= 0; s--) {
    const t = steps[s] ?? 0
    const prev = s === 0 ? h0A : ysA + 4 * (steps[s - 1] ?? 0) * state
    k.add(dhA, dyA + 4 * t * state, dhn, state)
    const [dxb, dhp] = [xA + 4 * t * width, hpA + 4 * t * width]
    k.gruBackward(dxb, dhp, prev, dhn, dxb, dhp, direct, h, n)
    product(dhp, dhA)
    k.add(direct, dhA, dhA, state)
  }
  k.sumRows(xA, l * n, 3 * h, acc, dbi)
  k.sumRows(hpA, l * n, 3 * h, acc, dbh)
  const [dXb = none(), dHp = none(), dh0 = none(), dBi = none(), dBh = none()] = outs(f32, [
    [xA, l * width],
    [hpA, l * width],
    [dhA, state],
    [dbi, 3 * h],
    [dbh, 3 * h],
  ])
  return [dXb, dHp, dh0, dBi, dBh] as const
}

/** The recurrence kernels of `cpuFast` (see the module documentation). */
export const recurrenceFast: FusedKernels = {
  lstmRecurrence: (x, wIh, wHh, b, h0, c0, reverse, residuals) =>
    x.dtype === 'float32' ? lstm32(x, wIh, wHh, b, h0, c0, reverse, residuals) : undefined,
  lstmRecurrenceBackward: (gates, cs, c0, wHh, dys, dh, dc, reverse) =>
    gates.dtype === 'float32' ? lstmBackward32(gates, cs, c0, wHh, dys, dh, dc, reverse) : undefined,
  gruRecurrence: (x, wIh, wHh, bIh, bHh, h0, reverse, residuals) =>
    x.dtype === 'float32' ? gru32(x, wIh, wHh, bIh, bHh, h0, reverse, residuals) : undefined,
  gruRecurrenceBackward: (xb, hp, ys, h0, wHh, dys, dh, reverse) =>
    xb.dtype === 'float32' ? gruBackward32(xb, hp, ys, h0, wHh, dys, dh, reverse) : undefined,
}
