/**
 * The compiled WebAssembly kernels (`assembly/matmul.ts` → `wasm/matmul.wasm`), instantiated
 * synchronously when this module is first imported, and the scratch arena in its memory.
 *
 * The `.wasm` is a generated file: `node scripts/build-wasm.mjs` at the repository root compiles
 * it, and every entry point (`build`, `test`, `main`, `smoke`, the benches) runs that first. It is
 * found relative to the package root (`src/kernels/` and `dist/kernels/` are both two levels
 * below it), so the backend loads the same file from its sources (tests) and from `dist/`.
 *
 * Memory: one module-level arena, grown on demand and reused by every call; nothing in it outlives
 * a call (kernels copy their operands in and their result out), so it is invisible to callers.
 *
 * @since 0.1.0
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The part of the JavaScript WebAssembly API used here, typed locally: TypeScript declares the
 * `WebAssembly` namespace only in its DOM libraries, which this package does not load.
 */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object
  readonly Instance: new (module: object, imports: object) => { readonly exports: object }
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => unknown
}

/**
 * A `WebAssembly.Memory`, as far as used here: shared, so its buffer is a `SharedArrayBuffer`
 * (growing it makes a new, longer buffer; views of the old one stay valid at the old length).
 */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer
  readonly grow: (pages: number) => number
}

/**
 * The kernel's modes (`assembly/matmul.ts`): float32 operands with float64 sums, float64 operands,
 * float32 operands with float32 sums.
 *
 * @category internal
 * @since 0.1.0
 */
export const WasmMode = { f32: 0, f64: 1, f32Sums: 2 } as const

/** One of {@link WasmMode}'s values. */
export type WasmMode = (typeof WasmMode)[keyof typeof WasmMode]

/** The exported functions of the module (see `assembly/matmul.ts` for their contracts). */
export interface WasmKernels {
  /** The module's memory; the caller's from {@link WasmKernels.heapBase} on. */
  readonly memory: WasmMemory
  /** First free byte of memory. */
  readonly heapBase: number
  /** Bytes of packing scratch for an (m × k) · (k × n) product in `mode`. */
  readonly workBytes: (mode: WasmMode, m: number, n: number, k: number) => number
  /** Bytes of the padded accumulator for an m × n result in `mode`. */
  readonly scratchBytes: (mode: WasmMode, m: number, n: number) => number
  /**
   * Any exported function by name (the gate kernels of `assembly/gates.ts`, …); throws, saying
   * how to rebuild, when the module has no such function.
   */
  readonly exported: (name: string) => (...args: number[]) => number
  /** The compiled module, for worker threads to instantiate on {@link WasmKernels.memory}. */
  readonly module: object
  /** Bytes of a whole B (k × n) packed by {@link WasmKernels.packAll} in `mode`. */
  readonly packedBytes: (mode: WasmMode, k: number, n: number) => number
  /** Packs all of B (k × n, element strides `brs`, `bcs`) at `dst` for {@link WasmKernels.gemmPacked}. */
  readonly packAll: (mode: WasmMode, b: number, brs: number, bcs: number, k: number, n: number, dst: number) => void
  /** `gemm` with B packed by `packAll` at `packed` (m ≥ `packedMinRows`): the same bits. */
  readonly gemmPacked: (
    mode: WasmMode,
    a: number,
    ars: number,
    acs: number,
    packed: number,
    m: number,
    n: number,
    k: number,
    work: number,
    c: number,
    out: number,
  ) => void
  /** Whether an m × n product's scratch `c` is its result (then `out = c` skips the copy). */
  readonly inScratch: (mode: WasmMode, m: number, n: number) => number
  /** The fewest rows `gemmPacked` takes. */
  readonly packedMinRows: number
  /** `out = A · B` of one product in `mode`; addresses in bytes. */
  readonly gemm: (
    mode: WasmMode,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    m: number,
    n: number,
    k: number,
    work: number,
    c: number,
    out: number,
  ) => void
}

type Fn = (...args: number[]) => number

const isFn = (x: unknown): x is Fn => typeof x === 'function'

const isApi = (x: unknown): x is WasmApi =>
  typeof x === 'object' &&
  x !== null &&
  'Module' in x &&
  isFn(x.Module) &&
  'Instance' in x &&
  isFn(x.Instance) &&
  'Memory' in x &&
  isFn(x.Memory)

const isMemory = (x: unknown): x is WasmMemory =>
  typeof x === 'object' && x !== null && 'buffer' in x && x.buffer instanceof SharedArrayBuffer && 'grow' in x && isFn(x.grow)

/** The module's memory: 1 page to start, 4 GiB at most (all a 32-bit memory addresses), shared. */
const MEMORY = { initial: 1, maximum: 65536, shared: true } as const

const fn = (file: string, exports: object, name: string): Fn => {
  const f: unknown = Reflect.get(exports, name)
  if (!isFn(f))
    throw new Error(`@recur/backend-cpu: ${file} exports no function '${name}'; rebuild it (node scripts/build-wasm.mjs)`)
  return f
}

/**
 * Reads and instantiates the kernels compiled to `file`; a missing or unreadable file is an error
 * that says how to build it.
 *
 * @category internal
 * @since 0.1.0
 */
export const loadKernels = (file: string): WasmKernels => {
  const api: unknown = Reflect.get(globalThis, 'WebAssembly')
  if (!isApi(api)) throw new Error('@recur/backend-cpu: this JavaScript engine has no WebAssembly')
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new Error(
      `@recur/backend-cpu: cannot read its WebAssembly kernels at ${file} (${why}). It is a generated file: ` +
        'build it with `node scripts/build-wasm.mjs` from the repository root (`npx -y pnpm@10.34.9 build` and `test` run it).',
    )
  }
  const memory: unknown = new api.Memory(MEMORY)
  if (!isMemory(memory)) throw new Error('@recur/backend-cpu: this JavaScript engine has no shared WebAssembly memory')
  const module = new api.Module(bytes)
  let exports: object
  try {
    exports = new api.Instance(module, { env: { memory } }).exports
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new Error(`@recur/backend-cpu: cannot instantiate ${file} (${why}); rebuild it (node scripts/build-wasm.mjs)`)
  }
  return {
    memory,
    heapBase: fn(file, exports, 'heapBase')(),
    workBytes: fn(file, exports, 'workBytes'),
    scratchBytes: fn(file, exports, 'scratchBytes'),
    gemm: fn(file, exports, 'gemm'),
    packedBytes: fn(file, exports, 'packedBytes'),
    packAll: fn(file, exports, 'packAll'),
    gemmPacked: fn(file, exports, 'gemmPacked'),
    packedMinRows: fn(file, exports, 'packedMinRows')(),
    inScratch: fn(file, exports, 'inScratch'),
    exported: (name) => fn(file, exports, name),
    module,
  }
}

/**
 * The instantiated kernels.
 *
 * @category internal
 * @since 0.1.0
 */
export const wasm: WasmKernels = loadKernels(fileURLToPath(new URL('../../wasm/matmul.wasm', import.meta.url)))

const PAGE = 65536

/**
 * Makes the memory at least `bytes` long (growing it, never shrinking) and returns its buffer,
 * which views must be taken from afresh after every call (growing makes a new, longer buffer; the
 * old one keeps its old length).
 *
 * @category internal
 * @since 0.1.0
 */
export const reserve = (op: string, bytes: number): SharedArrayBuffer => {
  const have = wasm.memory.buffer.byteLength
  if (have < bytes) {
    try {
      wasm.memory.grow(Math.ceil((bytes - have) / PAGE))
    } catch {
      throw new RangeError(
        `${op}: needs ${bytes} bytes of WebAssembly memory for its operands and scratch, more than it can grow to (${have} now)`,
      )
    }
  }
  return wasm.memory.buffer
}

/** `x` rounded up to a multiple of 16 (v128 alignment). */
export const align16 = (x: number): number => Math.ceil(x / 16) * 16

/**
 * The kept region: bytes from `align16(heapBase)` (after the workers' region, if any) that hold data kept across calls (packed
 * weights, see `keptOperands.ts`), bump-allocated up to {@link keptCapacity}. When a request
 * does not fit, everything kept is forgotten at once (the generation advances) and allocation
 * starts again from the bottom.
 */
let keptBytes = 0
let keptGeneration = 0

/** Bytes from `align16(heapBase)` set aside for worker threads (`threads.ts`), below the kept region. */
let teamBytes = 0

/**
 * Sets aside at least `bytes` at the bottom of the memory for worker threads and returns their
 * address (16-byte aligned). Growing the region moves the kept region up, so everything kept is
 * forgotten (the generation advances). Call it between kernel calls, never inside one.
 *
 * @category internal
 * @since 0.1.0
 */
export const reserveTeam = (bytes: number): number => {
  const at = align16(wasm.heapBase)
  if (bytes > teamBytes) {
    teamBytes = align16(bytes)
    keptGeneration += 1
    keptBytes = 0
    reserve('threads', at + teamBytes)
  }
  return at
}

/**
 * Bytes the kept region may use.
 *
 * @category internal
 * @since 0.1.0
 */
export const keptCapacity = 64 * 1024 * 1024

/**
 * The current generation of the kept region: an address from {@link keep} is valid while the
 * generation is the one it was allocated in.
 *
 * @category internal
 * @since 0.1.0
 */
export const keptGenerationNow = (): number => keptGeneration

/**
 * Allocates `bytes` (at most {@link keptCapacity}) in the kept region, forgetting everything kept
 * when they do not fit, and grows the memory to hold them. Returns the address (16-byte aligned).
 *
 * @category internal
 * @since 0.1.0
 */
export const keep = (op: string, bytes: number): number => {
  const size = align16(bytes)
  if (size > keptCapacity) throw new RangeError(`${op}: cannot keep ${bytes} bytes (the kept region holds ${keptCapacity})`)
  if (keptBytes + size > keptCapacity) {
    keptGeneration += 1
    keptBytes = 0
  }
  const at = align16(wasm.heapBase) + teamBytes + keptBytes
  keptBytes += size
  reserve(op, at + size)
  return at
}

/**
 * The first byte a kernel call may use as scratch (16-byte aligned): everything from here on is
 * free between calls; below it lies the kept region.
 *
 * @category internal
 * @since 0.1.0
 */
export const scratchStart = (): number => align16(wasm.heapBase) + teamBytes + keptBytes

let floats: Float32Array | undefined

/**
 * Grows the memory to at least `bytes` (as {@link reserve}) and returns a float32 view of all of
 * it, made anew only after the memory grew.
 *
 * @category internal
 * @since 0.1.0
 */
export const reserveFloats = (op: string, bytes: number): Float32Array => {
  const buffer = reserve(op, bytes)
  if (floats === undefined || floats.buffer !== buffer) floats = new Float32Array(buffer)
  return floats
}

/** An exported function of the module. */
export type WasmFn = (...args: number[]) => number

/**
 * The exports named by `names` (key → export name), looked up on first use, so that a stale
 * `.wasm` fails only the call that needs a missing export, saying how to rebuild it.
 *
 * @category internal
 * @since 0.1.0
 */
export const lazyExports = <K extends string>(names: Readonly<Record<K, string>>): (() => Readonly<Record<K, WasmFn>>) => {
  let found: Readonly<Record<K, WasmFn>> | undefined
  return () => {
    if (found === undefined) {
      const entries = Object.entries<string>(names).map(([key, name]) => [key, wasm.exported(name)] as const)
      found = Object.fromEntries(entries) as Record<K, WasmFn>
    }
    return found
  }
}
