/**
 * Right-hand matmul operands kept in WebAssembly memory between calls: a weight matrix that
 * comes again and again (a recurrent weight, at every step of a sequence, forward and backward)
 * is copied in and packed once rather than at every product.
 *
 * Only operands marked `immutable` (tensor data, see `Operand.immutable` in core) are kept, keyed
 * by the identity of their data array, so a kept copy can never go stale. An operand is kept the
 * second time it is seen (a matrix used once costs nothing extra), as a packed B for products of
 * at least `packedMinRows` rows and as a plain copy for thinner ones. The kept region is bounded
 * (`keptCapacity`); when it is full everything kept is forgotten and refilled as operands come
 * again. Packing is the same with or without keeping, so results are bit for bit the same: this is
 * invisible except in speed.
 *
 * @since 0.1.0
 */
import type { Operand, ReadonlyData } from '@recur/core'
import { keep, keptCapacity, keptGenerationNow, reserve, scratchStart, type WasmMode, wasm } from './wasmModule.js'

/** Where one form of an operand is kept, or that it has been seen once (`at` −1). */
interface Slot {
  readonly generation: number
  readonly at: number
}

const slots = new WeakMap<ReadonlyData, Map<string, Slot>>()

/** Operands smaller than this (elements) are cheap to copy and pack at every call. */
const fewest = 4096

/** Copies `data` into `buffer` from byte `at`, as float64 or float32. */
export const copyIn = (buffer: ArrayBufferLike, at: number, data: ReadonlyData, double: boolean): void =>
  copyRun(buffer, at, data, 0, data.length, double)

/** Copies elements `[from, from + count)` of `data` into `buffer` from byte `at`, as float64 or float32. */
export const copyRun = (
  buffer: ArrayBufferLike,
  at: number,
  data: ReadonlyData,
  from: number,
  count: number,
  double: boolean,
): void => {
  const view = double ? new Float64Array(buffer, at, count) : new Float32Array(buffer, at, count)
  if (data instanceof Float32Array || data instanceof Float64Array)
    view.set(from === 0 && count === data.length ? data : data.subarray(from, from + count))
  else for (let i = 0; i < count; i++) view[i] = data[from + i] ?? 0
}

/** How B is read: its element strides and the product's inner and outer sizes. */
export interface BLayout {
  readonly brs: number
  readonly bcs: number
  readonly k: number
  readonly n: number
}

/** The address of the kept form `form` of `b`, keeping it now if it was seen before. */
const kept = (b: Operand, form: string, bytes: number, fill: (at: number) => void): number | undefined => {
  if (b.immutable !== true || b.data.length < fewest || bytes > keptCapacity / 4) return undefined
  const generation = keptGenerationNow()
  const forms = slots.get(b.data) ?? new Map<string, Slot>()
  if (!slots.has(b.data)) slots.set(b.data, forms)
  const slot = forms.get(form)
  if (slot !== undefined && slot.generation === generation && slot.at >= 0) return slot.at
  if (slot === undefined || slot.generation !== generation) {
    forms.set(form, { generation, at: -1 })
    return undefined
  }
  const at = keep('matmul', bytes)
  fill(at)
  forms.set(form, { generation: keptGenerationNow(), at })
  return at
}

/**
 * The address of `b` packed whole for `wasm.gemmPacked` in `mode`, or `undefined` when it is not
 * kept (not immutable, small, or seen for the first time).
 *
 * @category internal
 * @since 0.1.0
 */
export const keptPacked = (b: Operand, mode: WasmMode, l: BLayout): number | undefined => {
  const double = b.dtype === 'float64'
  return kept(b, `packed ${mode} ${l.brs} ${l.bcs} ${l.k} ${l.n}`, wasm.packedBytes(mode, l.k, l.n), (at) => {
    const raw = scratchStart()
    copyIn(reserve('matmul', raw + b.data.length * 8), raw, b.data, double)
    wasm.packAll(mode, raw, l.brs, l.bcs, l.k, l.n, at)
  })
}

/**
 * The address of a plain copy of `b`'s data in its dtype, or `undefined` when it is not kept.
 *
 * @category internal
 * @since 0.1.0
 */
export const keptCopy = (b: Operand): number | undefined => {
  const double = b.dtype === 'float64'
  return kept(b, `copy ${b.dtype}`, b.data.length * (double ? 8 : 4), (at) => copyIn(wasm.memory.buffer, at, b.data, double))
}
