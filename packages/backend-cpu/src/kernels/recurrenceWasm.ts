/**
 * The whole-sequence recurrence kernels of `cpuFast` (`lstmRecurrence`, `gruRecurrence` and their
 * backward kernels; semantics in core's `ops/recurrence.ts`): float32 sequences run every step in
 * WebAssembly memory, with no allocation and no copy per step; float64 ones run step by step as
 * core's composed definition (the kernels return `undefined` for them).
 *
 * float32: the operands are copied in once, the recurrent weight is packed once for the whole
 * sequence (or found packed from an earlier call, `keptOperands.ts`), then each step is one
 * product on the packed weight (`gemmPacked`; the unpacked path for fewer than four rows), one
 * float32 sum (`assembly/recurrence.ts`) and one gate kernel call (`assembly/gates.ts`), each
 * reading the previous step's results where they lie; the results are copied out at the end.
 * These are the kernels `cpuFast` runs for the composed definition, in the same order, so the
 * results are the same as core's composed definition on `cpuFast`.
 *
 * @since 0.1.0
 */
import type { FusedKernels, Operand, ReadonlyData } from '@recur/core'
import { keptCopy, keptPacked } from './keptOperands.js'
import { usesWasm } from './matmulCpu.js'
import { align16, reserve, scratchStart, WasmMode, wasm } from './wasmModule.js'

type WasmFn = (...args: number[]) => number

interface StepKernels {
  readonly add: WasmFn
  readonly addRow: WasmFn
  readonly sumRows: WasmFn
  readonly lstm: WasmFn
  readonly lstmBackward: WasmFn
  readonly gru: WasmFn
  readonly gruBackward: WasmFn
}

let found: StepKernels | undefined
const step = (): StepKernels =>
  (found ??= {
    add: wasm.exported('addF32'),
    addRow: wasm.exported('addRowF32'),
    sumRows: wasm.exported('sumRowsF32'),
    lstm: wasm.exported('lstmGatesF32'),
    lstmBackward: wasm.exported('lstmGatesBackwardF32'),
    gru: wasm.exported('gruGatesF32'),
    gruBackward: wasm.exported('gruGatesBackwardF32'),
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
    ready: (op: string): Float32Array => new Float32Array(reserve(op, end)),
  }
}

/**
 * The recurrent weight as the right operand of every step's product `(rows × k)·(k × n)`: kept
 * from an earlier call, or packed (copied, for thin products) into the arena for this call.
 * `transposeB`: the weight `(n, k)` is used as its transpose.
 */
const weightOperand = (w: Operand, rows: number, k: number, n: number, transposeB: boolean) => {
  const [brs, bcs] = transposeB ? [1, k] : [n, 1]
  const thin = rows < wasm.packedMinRows
  // as `matmulFast` sums: float32 on the WebAssembly kernel, float64 for products it leaves to JavaScript
  const mode = usesWasm(rows, n, k) ? WasmMode.f32Sums : WasmMode.f32
  const kept = thin ? keptCopy(w) : keptPacked(w, mode, { brs, bcs, k, n })
  const mem = arena()
  const raw = kept === undefined ? mem.take(4 * w.data.length) : 0
  const packed = kept === undefined && !thin ? mem.take(wasm.packedBytes(mode, k, n)) : 0
  const work = mem.take(wasm.workBytes(mode, rows, n, k))
  const scratch = mem.take(wasm.scratchBytes(mode, rows, n))
  return {
    mem,
    /** Copies/packs the weight if it was not kept; call once the memory is ready. */
    load: (f32: Float32Array): void => {
      if (kept !== undefined) return
      f32.set(
        w.data instanceof Float32Array ? w.data : Float32Array.from({ length: w.data.length }, (_, i) => w.data[i] ?? 0),
        raw / 4,
      )
      if (!thin) wasm.packAll(mode, raw, brs, bcs, k, n, packed)
    },
    /** `out = A·B` for A `(rows × k)` row-major at `a`. */
    product: (a: number, out: number): void => {
      if (!thin) wasm.gemmPacked(mode, a, k, 1, kept ?? packed, rows, n, k, work, scratch, out)
      else wasm.gemm(mode, a, k, 1, kept ?? raw, brs, bcs, rows, n, k, work, scratch, out)
    },
  }
}

/** Copies `data` into the float view at byte address `at`. */
const put = (f32: Float32Array, at: number, data: ReadonlyData): void => {
  if (data instanceof Float32Array) f32.set(data, at / 4)
  else for (let i = 0; i < data.length; i++) f32[at / 4 + i] = data[i] ?? 0
}

/** A fresh copy of `count` floats from byte address `at`. */
const out = (f32: Float32Array, at: number, count: number): Float32Array => f32.slice(at / 4, at / 4 + count)

/** Sizes of a recurrence from its sequence operand `(L, N, G·H)` and state `(N, H)`. */
const sizes = (seq: Operand, state: Operand) => {
  const [l = 0, n = 0] = seq.shape
  const h = state.shape[1] ?? 0
  return { l, n, h }
}

/** Lays out float32 blocks of the given element counts; returns their byte addresses, in order. */
const blocks = <const T extends readonly number[]>(m: ReturnType<typeof arena>, counts: T): { readonly [K in keyof T]: number } =>
  counts.map((c) => m.take(4 * c)) as { readonly [K in keyof T]: number }

/** Copies each operand's data to its block. */
const load = (f32: Float32Array, pairs: readonly (readonly [number, Operand])[]): void => {
  for (const [at, x] of pairs) put(f32, at, x.data)
}

const lstm32 = (xp: Operand, wHh: Operand, b: Operand, h0: Operand, c0: Operand, reverse: boolean) => {
  const { l, n, h } = sizes(xp, h0)
  const [state, width] = [n * h, 4 * n * h]
  const w = weightOperand(wHh, n, h, 4 * h, true)
  const [xA, bA, hA, cA, ysA, csA, gA, tmp] = blocks(w.mem, [
    l * width,
    4 * h,
    state,
    state,
    l * state,
    l * state,
    l * width,
    width,
  ])
  const f32 = w.mem.ready('lstmRecurrence')
  w.load(f32)
  load(f32, [
    [xA, xp],
    [bA, b],
    [hA, h0],
    [cA, c0],
  ])
  const k = step()
  let [hPrev, cPrev] = [hA, cA]
  for (const t of order(l, reverse)) {
    const g = gA + 4 * t * width
    w.product(hPrev, tmp)
    k.add(xA + 4 * t * width, tmp, g, width)
    k.addRow(g, bA, g, n, 4 * h)
    const [ht, ct] = [ysA + 4 * t * state, csA + 4 * t * state]
    k.lstm(g, cPrev, ht, ct, h, n)
    ;[hPrev, cPrev] = [ht, ct]
  }
  return [out(f32, ysA, l * state), out(f32, csA, l * state), out(f32, gA, l * width)] as const
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
  const { l, n, h } = sizes(gates, c0)
  const [state, width] = [n * h, 4 * n * h]
  const w = weightOperand(wHh, n, 4 * h, h, false)
  const [gA, csA, c0A, dyA, dhA, dcA, dcB, dhn, dG, db, acc] = blocks(w.mem, [
    l * width,
    l * state,
    state,
    l * state,
    state,
    state,
    state,
    state,
    l * width,
    4 * h,
    8 * h,
  ])
  const f32 = w.mem.ready('lstmRecurrenceBackward')
  w.load(f32)
  load(f32, [
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
    const dg = dG + 4 * t * width
    k.lstmBackward(gA + 4 * t * width, prev, dhn, dcNow, dg, dcNext, h, n)
    w.product(dg, dhA)
    ;[dcNow, dcNext] = [dcNext, dcNow]
  }
  k.sumRows(dG, l * n, 4 * h, acc, db)
  return [out(f32, dG, l * width), out(f32, dhA, state), out(f32, dcNow, state), out(f32, db, 4 * h)] as const
}

const gru32 = (xp: Operand, wHh: Operand, bIh: Operand, bHh: Operand, h0: Operand, reverse: boolean) => {
  const { l, n, h } = sizes(xp, h0)
  const [state, width] = [n * h, 3 * n * h]
  const w = weightOperand(wHh, n, h, 3 * h, true)
  const [xA, biA, bhA, hA, ysA, hpA, xb] = blocks(w.mem, [l * width, 3 * h, 3 * h, state, l * state, l * width, width])
  const f32 = w.mem.ready('gruRecurrence')
  w.load(f32)
  load(f32, [
    [xA, xp],
    [biA, bIh],
    [bhA, bHh],
    [hA, h0],
  ])
  const k = step()
  let hPrev = hA
  for (const t of order(l, reverse)) {
    const hp = hpA + 4 * t * width
    w.product(hPrev, hp)
    k.addRow(hp, bhA, hp, n, 3 * h)
    k.addRow(xA + 4 * t * width, biA, xb, n, 3 * h)
    const ht = ysA + 4 * t * state
    k.gru(xb, hp, hPrev, ht, h, n)
    hPrev = ht
  }
  return [out(f32, ysA, l * state), out(f32, hpA, l * width)] as const
}

const gruBackward32 = (
  xp: Operand,
  bIh: Operand,
  hp: Operand,
  ys: Operand,
  h0: Operand,
  wHh: Operand,
  dys: Operand,
  dh: Operand,
  reverse: boolean,
) => {
  const { l, n, h } = sizes(xp, h0)
  const [state, width] = [n * h, 3 * n * h]
  const w = weightOperand(wHh, n, 3 * h, h, false)
  const [xA, biA, hpA, ysA, h0A, dyA, dhA, dhn, direct, xb, dX, dHp, dbi, dbh, acc] = blocks(w.mem, [
    l * width,
    3 * h,
    l * width,
    l * state,
    state,
    l * state,
    state,
    state,
    state,
    width,
    l * width,
    l * width,
    3 * h,
    3 * h,
    6 * h,
  ])
  const f32 = w.mem.ready('gruRecurrenceBackward')
  w.load(f32)
  load(f32, [
    [xA, xp],
    [biA, bIh],
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
    k.addRow(xA + 4 * t * width, biA, xb, n, 3 * h)
    const dhp = dHp + 4 * t * width
    k.gruBackward(xb, hpA + 4 * t * width, prev, dhn, dX + 4 * t * width, dhp, direct, h, n)
    w.product(dhp, dhA)
    k.add(direct, dhA, dhA, state)
  }
  k.sumRows(dX, l * n, 3 * h, acc, dbi)
  k.sumRows(dHp, l * n, 3 * h, acc, dbh)
  return [
    out(f32, dX, l * width),
    out(f32, dHp, l * width),
    out(f32, dhA, state),
    out(f32, dbi, 3 * h),
    out(f32, dbh, 3 * h),
  ] as const
}

/** The recurrence kernels of `cpuFast` (see the module documentation). */
export const recurrenceFast: FusedKernels = {
  lstmRecurrence: (xp, wHh, b, h0, c0, reverse) => (xp.dtype === 'float32' ? lstm32(xp, wHh, b, h0, c0, reverse) : undefined),
  lstmRecurrenceBackward: (gates, cs, c0, wHh, dys, dh, dc, reverse) =>
    gates.dtype === 'float32' ? lstmBackward32(gates, cs, c0, wHh, dys, dh, dc, reverse) : undefined,
  gruRecurrence: (xp, wHh, bIh, bHh, h0, reverse) => (xp.dtype === 'float32' ? gru32(xp, wHh, bIh, bHh, h0, reverse) : undefined),
  gruRecurrenceBackward: (xp, bIh, hp, ys, h0, wHh, dys, dh, reverse) =>
    xp.dtype === 'float32' ? gruBackward32(xp, bIh, hp, ys, h0, wHh, dys, dh, reverse) : undefined,
}
