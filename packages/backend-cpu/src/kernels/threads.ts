/**
 * Worker threads for `cpuFastWith({ threads })`: a product large enough is split by rows between
 * the calling thread and worker threads that run the same WebAssembly module on the same shared
 * memory (`wasmModule.ts`), and the call returns once every part is done. Kernels stay
 * synchronous: the caller computes its part, then waits (`Atomics.wait`, allowed on Node's main
 * thread) for the workers'.
 *
 * Every entry of a product sums the same terms in the same order whichever rows it is computed
 * with (the kernel's blocks over k do not depend on the rows), so a split product has the same
 * bits as one call. The caller takes the first rows (with the caller's scratch, so a result read from that
 * scratch stays where it is); each worker a multiple of 4 rows after them, in blocks that fit its
 * own scratch region, set aside once at the bottom of the memory (`reserveTeam`).
 *
 * One set of workers serves the process, grown to the most threads asked for; they are `unref`ed
 * (they never keep a process alive) and spin briefly after each part before blocking, since the
 * parts of a recurrence come one step at a time.
 *
 * @since 0.1.0
 */
import { Worker } from 'node:worker_threads'
import { reserveTeam, WasmMode, wasm } from './wasmModule.js'

/** Each worker's scratch: packing buffers (at most about 1.2 MB) and the accumulator of a block of rows. */
const WORKER_BYTES = 8 * 2 ** 20

/** The kernel's row tile: workers take multiples of it (`packedMinRows`). */
const MR = wasm.packedMinRows

/** Milliseconds a thread spins on a flag before it blocks in `Atomics.wait`. */
const SPIN_MS = 1

/** The control block of a worker: int32 flags, then the float64 arguments of its part. */
const SEQ = 0
const DONE = 1
const FAILED = 2
const ARGS_AT = 16
const ARG_COUNT = 19

/**
 * The worker's program (CommonJS, run with `eval`): instantiate the module on the shared memory,
 * then forever wait for a part (SEQ moves), run it in blocks of rows, and report it (DONE = SEQ).
 */
const program = `
const { workerData } = require('node:worker_threads')
const { module, memory, control, spinMs } = workerData
// a worker that cannot instantiate the module answers every part as failed, so the caller throws
let exports
try {
  exports = new WebAssembly.Instance(module, { env: { memory } }).exports
} catch {}
const flags = new Int32Array(control, 0, 4)
const args = new Float64Array(control, ${ARGS_AT}, ${ARG_COUNT})
let seen = 0
for (;;) {
  let s = Atomics.load(flags, ${SEQ})
  if (s === seen) {
    const until = performance.now() + spinMs
    for (let i = 0; s === seen; i++) {
      s = Atomics.load(flags, ${SEQ})
      if ((i & 1023) === 1023 && performance.now() > until) break
    }
  }
  while (s === seen) {
    Atomics.wait(flags, ${SEQ}, seen)
    s = Atomics.load(flags, ${SEQ})
  }
  seen = s
  try {
    if (exports === undefined) throw new Error('no module')
    const [kind, mode, a, ars, acs, b, brs, bcs, rows, n, k, work, c, out, block, aStep, outStep, fresh, finish] = args
    // a part over k accumulates in c across calls: all its rows in one block (split checks they fit)
    if (kind === 2) exports.gemmPart(mode, a, ars, acs, b, brs, bcs, rows, n, k, work, c, out, fresh, finish)
    else for (let r = 0, m = 0; r < rows; r += m) {
      m = rows - r - block < ${MR} ? rows - r : block
      if (kind === 1) exports.gemmPacked(mode, a + r * aStep, ars, acs, b, m, n, k, work, c, out + r * outStep)
      else exports.gemm(mode, a + r * aStep, ars, acs, b, brs, bcs, m, n, k, work, c, out + r * outStep)
    }
  } catch {
    Atomics.store(flags, ${FAILED}, 1)
  }
  Atomics.store(flags, ${DONE}, s)
  Atomics.notify(flags, ${DONE})
}
`

/** One worker: its control block and its scratch region (byte address in the module's memory). */
interface Member {
  readonly flags: Int32Array
  readonly args: Float64Array
  readonly region: number
}

const members: Member[] = []

/** Starts workers until there are `count`, their scratch regions set aside first. */
const grow = (count: number): void => {
  if (members.length >= count) return
  const base = reserveTeam(count * WORKER_BYTES)
  // the regions are recomputed from the (unmoving) base: a larger team only adds regions above
  for (let i = members.length; i < count; i++) {
    const control = new SharedArrayBuffer(ARGS_AT + 8 * ARG_COUNT)
    const worker = new Worker(program, {
      eval: true,
      workerData: { module: wasm.module, memory: wasm.memory, control, spinMs: SPIN_MS },
    })
    worker.unref()
    members.push({
      flags: new Int32Array(control, 0, 4),
      args: new Float64Array(control, ARGS_AT, ARG_COUNT),
      region: base + i * WORKER_BYTES,
    })
  }
}

/** Waits until worker `w` reports part `seq` done; whether the part failed. */
const join = (w: Member, seq: number): boolean => {
  if (Atomics.load(w.flags, DONE) !== seq) {
    const until = performance.now() + SPIN_MS
    for (let i = 0; Atomics.load(w.flags, DONE) !== seq; i++) if ((i & 1023) === 1023 && performance.now() > until) break
  }
  for (let done = Atomics.load(w.flags, DONE); done !== seq; done = Atomics.load(w.flags, DONE)) Atomics.wait(w.flags, DONE, done)
  const failed = Atomics.load(w.flags, FAILED) !== 0
  Atomics.store(w.flags, FAILED, 0)
  return failed
}

/**
 * How a product is computed: `gemm` and `gemmPacked` with `wasm`'s signatures (byte addresses,
 * element strides), one call or split between threads.
 *
 * @category internal
 * @since 0.1.0
 */
export interface Team {
  /** Threads a large product is split between, the caller's included. */
  readonly threads: number
  /** Multiply-adds (m·n·k) from which a product is split. */
  readonly minWork: number
  readonly gemm: typeof wasm.gemm
  readonly gemmPacked: typeof wasm.gemmPacked
  /** `gemmPart` (`assembly/matmul.ts`): c += the next k terms (zeroed first when `fresh`), out written when `finish`. */
  readonly gemmPart: GemmPart
}

/** `gemmPart`'s signature: `gemm`'s, then `fresh` and `finish` (1 or 0). */
type GemmPart = (...args: [...Parameters<typeof wasm.gemm>, fresh: number, finish: number]) => void

const gemmPart: GemmPart = (...args) => {
  wasm.exported('gemmPart')(...args)
}

/**
 * One thread: every product in one call.
 *
 * @category internal
 * @since 0.1.0
 */
export const solo: Team = {
  threads: 1,
  minWork: Number.POSITIVE_INFINITY,
  gemm: wasm.gemm,
  gemmPacked: wasm.gemmPacked,
  gemmPart,
}

let parts = 0

/**
 * Parts of products run by worker threads so far in this process (for tests: a split did happen).
 *
 * @category internal
 * @since 0.1.0
 */
export const workerParts = (): number => parts

/**
 * Whether every worker has finished the last part it was given (for tests: none is left running
 * after a call returns or throws).
 *
 * @category internal
 * @since 0.1.0
 */
export const idle = (): boolean => members.every((w) => Atomics.load(w.flags, DONE) === Atomics.load(w.flags, SEQ))

/**
 * Bytes per row of a part's accumulator in `mode` for n columns, and the most bytes its packing
 * buffers take for any k (so the accumulator's place does not move between parts over k).
 */
const footprint = (mode: WasmMode, n: number): { readonly perRow: number; readonly work: number } => ({
  perRow: wasm.scratchBytes(mode, MR, n) / MR,
  work: wasm.workBytes(mode, 64, n, 2 ** 30),
})

/** What a part runs: `gemm`, `gemmPacked` (b is the packed B) or `gemmPart` (adding k terms to c). */
const Kind = { gemm: 0, packed: 1, part: 2 } as const
type Kind = (typeof Kind)[keyof typeof Kind]

/** A product's arguments after its mode: `a, ars, acs, b, brs, bcs, m, n, k, work, c, out` (b: packed B for `gemmPacked`). */
type Operands = readonly [number, number, number, number, number, number, number, number, number, number, number, number]

/**
 * The split product. Each worker gets `share` rows (a multiple of MR); the caller the first
 * `mine` rows (a multiple of MR too, so that its padded accumulator, which may be the result
 * itself, never reaches the workers' rows); the last worker also the fewer than MR rows left.
 * Workers run their rows in blocks that fit their regions, none of fewer than MR rows (fewer
 * would go to the thin kernel, whose sums differ). `size` is the operands' element bytes.
 */
const split = (
  threads: number,
  kind: Kind,
  mode: WasmMode,
  size: number,
  [a, ars, acs, b, brs, bcs, m, n, k, work, c, out]: Operands,
  whole: () => void,
  [fresh, finish] = [1, 1],
): void => {
  const share = Math.floor(m / threads / MR) * MR
  const mine = Math.floor((m - (threads - 1) * share) / MR) * MR
  const { perRow, work: workBytes } = footprint(mode, n)
  // a block may take up to MR − 1 more rows (the last one, not to leave fewer than MR)
  const block = Math.floor((WORKER_BYTES - workBytes - 16) / perRow / MR) * MR - MR
  // a part over k keeps each worker's accumulator between calls: one block, so all its rows
  const last = m - mine - (threads - 2) * share
  if (share < MR || block < MR || (kind === Kind.part && last > block)) {
    whole()
    return
  }
  const used = members.slice(0, threads - 1)
  const seqs = used.map((w, i) => {
    const from = mine + i * share
    const rows = i === used.length - 1 ? m - from : share
    const cAt = w.region + Math.ceil(workBytes / 16) * 16
    const aFrom = a + from * ars * size
    const outFrom = out + from * n * size
    // kind, mode, a, ars, acs, b, brs, bcs, rows, n, k, work, c, out, block, a's and out's bytes per row, fresh, finish
    w.args.set([
      kind,
      mode,
      aFrom,
      ars,
      acs,
      b,
      brs,
      bcs,
      rows,
      n,
      k,
      w.region,
      cAt,
      outFrom,
      block,
      ars * size,
      n * size,
      fresh,
      finish,
    ])
    const seq = (Atomics.load(w.flags, SEQ) % 0x7fffffff) + 1
    Atomics.store(w.flags, SEQ, seq)
    Atomics.notify(w.flags, SEQ)
    return seq
  })
  let trap: unknown
  try {
    if (kind === Kind.packed) wasm.gemmPacked(mode, a, ars, acs, b, mine, n, k, work, c, out)
    else if (kind === Kind.part) gemmPart(mode, a, ars, acs, b, brs, bcs, mine, n, k, work, c, out, fresh, finish)
    else wasm.gemm(mode, a, ars, acs, b, brs, bcs, mine, n, k, work, c, out)
  } catch (e) {
    trap = e
  }
  parts += used.length
  // every worker is joined before anything is thrown (the caller's own trap too), so none is still
  // running a part when the next one is handed out
  const failed = used.map((w, i) => join(w, seqs[i] ?? 0)).some((f) => f)
  if (trap !== undefined) throw trap
  if (failed)
    throw new Error(
      '@recur/backend-cpu: a worker thread failed in its part of a matrix product (a WebAssembly trap, or it could not instantiate the module)',
    )
}

/**
 * A team of `threads` threads (the caller and `threads − 1` workers) that splits products of at
 * least `minWork` multiply-adds. The workers start here, and their scratch regions are set aside
 * here (which forgets kept weights): between kernel calls, never inside one.
 *
 * @category internal
 * @since 0.1.0
 */
export const teamOf = (threads: number, minWork: number): Team => {
  if (threads === 1) return solo
  grow(threads - 1)
  const sizeOf = (mode: WasmMode): number => (mode === WasmMode.f64 ? 8 : 4)
  return {
    threads,
    minWork,
    gemm: (mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out) => {
      const whole = () => wasm.gemm(mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out)
      if (m * n * k < minWork || m < 2 * MR) return whole()
      split(threads, Kind.gemm, mode, sizeOf(mode), [a, ars, acs, b, brs, bcs, m, n, k, work, c, out], whole)
    },
    gemmPacked: (mode, a, ars, acs, packed, m, n, k, work, c, out) => {
      const whole = () => wasm.gemmPacked(mode, a, ars, acs, packed, m, n, k, work, c, out)
      if (m * n * k < minWork || m < 2 * MR) return whole()
      split(threads, Kind.packed, mode, sizeOf(mode), [a, ars, acs, packed, 0, 0, m, n, k, work, c, out], whole)
    },
    gemmPart: (mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out, fresh, finish) => {
      const whole = () => gemmPart(mode, a, ars, acs, b, brs, bcs, m, n, k, work, c, out, fresh, finish)
      // every part of one product must split alike (each thread keeps its rows' sums): so not by k
      if (m < 2 * MR) return whole()
      split(threads, Kind.part, mode, sizeOf(mode), [a, ars, acs, b, brs, bcs, m, n, k, work, c, out], whole, [fresh, finish])
    },
  }
}

let current: Team = solo

/**
 * The team products run with now: {@link solo} unless inside {@link withTeam}.
 *
 * @category internal
 * @since 0.1.0
 */
export const team = (): Team => current

/**
 * Runs `f` with products split by `t` (a backend's kernels wrap themselves in this, so the kernels
 * below them need no thread count), then restores the team before it.
 *
 * @category internal
 * @since 0.1.0
 */
export const withTeam = <T>(t: Team, f: () => T): T => {
  const before = current
  current = t
  try {
    return f()
  } finally {
    current = before
  }
}
