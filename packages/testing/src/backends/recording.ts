/**
 * `recording(inner)`: a backend that runs every kernel on `inner` and records the call — kernel,
 * op, input shapes, output dtype and size, elapsed time — in a log read through a separate handle.
 * A profiling aid: wrap the backend, run a training step, and see which kernels the time goes to.
 *
 * The log is append-only; `calls()` returns a frozen snapshot of frozen entries, so a snapshot never
 * changes after it was taken (`clear()` starts a new log and leaves old snapshots alone). Results are
 * `inner`'s own, unchanged: the wrapper conforms exactly when `inner` does.
 *
 * @since 0.1.0
 */
import type { Backend, DType, ReadonlyData, Shape } from '@recur/core'
import type { KernelName } from '../conformance/KernelCase.js'

/**
 * One recorded kernel call.
 *
 * @category model
 * @since 0.1.0
 */
export interface KernelCall {
  /** Position in the log, from 0. */
  readonly index: number
  readonly kernel: KernelName
  /** The op of `unary`, `binary`, `compare`, `reduce`, `argReduce`; otherwise `undefined`. */
  readonly op: string | undefined
  /** The shapes of the array arguments, in argument order (none for `fill`). */
  readonly shapes: readonly Shape[]
  /** The output dtype. */
  readonly dtype: DType
  /** The number of output elements. */
  readonly size: number
  /** Wall-clock time of the call, in milliseconds. */
  readonly ms: number
}

/**
 * Totals of the calls of one kernel and op.
 *
 * @category model
 * @since 0.1.0
 */
export interface KernelTotal {
  readonly kernel: KernelName
  readonly op: string | undefined
  readonly calls: number
  /** Output elements over all calls. */
  readonly elements: number
  readonly ms: number
}

/**
 * The handle on a recording backend's log.
 *
 * @category model
 * @since 0.1.0
 */
export interface KernelLog {
  /** A frozen snapshot of every call recorded since creation (or the last `clear`). */
  readonly calls: () => readonly KernelCall[]
  /** Totals per kernel and op, the most expensive first. */
  readonly totals: () => readonly KernelTotal[]
  /** Starts a new, empty log; earlier snapshots are unaffected. */
  readonly clear: () => void
}

/**
 * Options of {@link recording}.
 *
 * @category model
 * @since 0.1.0
 */
export interface RecordingOptions {
  /** Milliseconds from some origin (default `performance.now`, else `Date.now`). */
  readonly clock?: () => number
}

const defaultClock = (): (() => number) => {
  const perf: unknown = Reflect.get(globalThis, 'performance')
  if (typeof perf === 'object' && perf !== null && 'now' in perf) {
    const now = perf.now
    if (typeof now === 'function') return () => Number(now.call(perf))
  }
  return Date.now
}

const totalsOf = (calls: readonly KernelCall[]): KernelTotal[] => {
  const byKey = new Map<string, KernelTotal>()
  for (const c of calls) {
    const key = `${c.kernel}/${c.op ?? ''}`
    const t = byKey.get(key) ?? { kernel: c.kernel, op: c.op, calls: 0, elements: 0, ms: 0 }
    byKey.set(key, { ...t, calls: t.calls + 1, elements: t.elements + c.size, ms: t.ms + c.ms })
  }
  return [...byKey.values()].sort((a, b) => b.ms - a.ms || b.calls - a.calls).map((t) => Object.freeze(t))
}

/**
 * Wraps `inner` so that every kernel call is recorded; returns the backend (named
 * `recording(<inner>)`) and the handle on its log.
 *
 * @example
 * const { backend, log } = recording(cpu)
 * train(backend)
 * console.table(log.totals())
 *
 * @category instances
 * @since 0.1.0
 */
export const recording = (
  inner: Backend,
  options: RecordingOptions = {},
): { readonly backend: Backend; readonly log: KernelLog } => {
  const clock = options.clock ?? defaultClock()
  let entries: KernelCall[] = []
  const record = (
    kernel: KernelName,
    op: string | undefined,
    shapes: readonly Shape[],
    dtype: DType,
    call: () => ReadonlyData,
  ): ReadonlyData => {
    const start = clock()
    const out = call()
    const ms = clock() - start
    const frozen = Object.freeze(shapes.map((s) => Object.freeze([...s])))
    entries.push(Object.freeze({ index: entries.length, kernel, op, shapes: frozen, dtype, size: out.length, ms }))
    return out
  }
  const backend: Backend = {
    name: `recording(${inner.name})`,
    unary: (op, x) => record('unary', op, [x.shape], x.dtype, () => inner.unary(op, x)),
    binary: (op, a, b, out) => record('binary', op, [a.shape, b.shape], a.dtype, () => inner.binary(op, a, b, out)),
    compare: (op, a, b, out) => record('compare', op, [a.shape, b.shape], a.dtype, () => inner.compare(op, a, b, out)),
    where: (c, a, b, out) => record('where', undefined, [c.shape, a.shape, b.shape], a.dtype, () => inner.where(c, a, b, out)),
    reduce: (op, x, axes) => record('reduce', op, [x.shape], x.dtype, () => inner.reduce(op, x, axes)),
    argReduce: (op, x, axis) => record('argReduce', op, [x.shape], x.dtype, () => inner.argReduce(op, x, axis)),
    matmul: (a, b, ta, tb, out) =>
      record('matmul', undefined, [a.shape, b.shape], a.dtype, () => inner.matmul(a, b, ta, tb, out)),
    transpose: (x, perm) => record('transpose', undefined, [x.shape], x.dtype, () => inner.transpose(x, perm)),
    reshape: (x, shape) => record('reshape', undefined, [x.shape], x.dtype, () => inner.reshape(x, shape)),
    slice: (x, begin, size) => record('slice', undefined, [x.shape], x.dtype, () => inner.slice(x, begin, size)),
    pad: (x, pads, value) => record('pad', undefined, [x.shape], x.dtype, () => inner.pad(x, pads, value)),
    concat: (xs, axis) =>
      record(
        'concat',
        undefined,
        xs.map((x) => x.shape),
        xs[0]?.dtype ?? 'float32',
        () => inner.concat(xs, axis),
      ),
    gather: (x, idx, axis) => record('gather', undefined, [x.shape, idx.shape], x.dtype, () => inner.gather(x, idx, axis)),
    scatterAdd: (u, idx, axis, out) =>
      record('scatterAdd', undefined, [u.shape, idx.shape], u.dtype, () => inner.scatterAdd(u, idx, axis, out)),
    oneHot: (idx, depth, dtype) => record('oneHot', undefined, [idx.shape], dtype, () => inner.oneHot(idx, depth, dtype)),
    cast: (x, dtype) => record('cast', undefined, [x.shape], dtype, () => inner.cast(x, dtype)),
    fill: (shape, dtype, value) => record('fill', undefined, [], dtype, () => inner.fill(shape, dtype, value)),
  }
  const log: KernelLog = {
    calls: () => Object.freeze(entries.slice()),
    totals: () => Object.freeze(totalsOf(entries)),
    clear: () => {
      entries = []
    },
  }
  return { backend, log }
}
