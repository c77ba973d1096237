/**
 * `cpuFast`: the CPU backend with float32 matrix products summed in float32, as float32 BLAS
 * libraries (and PyTorch, TensorFlow.js) do, on the WebAssembly f32x4 kernel — about 2.3× the
 * matmul throughput of `cpu`, whose float32 products are float64 sums rounded once.
 *
 * The price is accuracy: an entry of a float32 product of depth k may err by about k·ε₃₂·Σ|a·b|
 * rather than k·ε₆₄·Σ|a·b|, so sums that cancel lose digits (`[2²⁴, 1, −2²⁴] · [1, 1, 1]` is 0
 * here and 1 on `cpu`). It passes the conformance kit with the kit's float32-accumulator
 * tolerance (`{ matmul: { accumulator: 'float32', absolute: 2 ** -126 } }`), not with the default
 * one. Products with fewer than four rows (vector–matrix products: a streaming step) sum in
 * float32 too, on an f32x4 dot-product kernel; every other required kernel, float64 products and
 * the products small enough for `cpu`'s JavaScript kernel are `cpu`'s.
 *
 * Large float32 `add`, `sub`, `mul` and `div` of whole arrays (or one value and an array) run on a
 * WebAssembly f32x4 loop, with the same bits as `cpu`'s kernel (`kernels/binaryWasm.ts`).
 *
 * It also has float32 LSTM / GRU gate kernels (`fused`) on WebAssembly f32x4, with a polynomial
 * exp (≤ 2 ulp) and the sigmoid and tanh built on it: several times faster than `cpu`'s (whose
 * `Math.exp` and `Math.tanh` dominate them), within a few ulps of float32 of its results and well
 * within the kit's fused tolerance (`kernels/fusedWasm.ts`). float64 gate kernels are `cpu`'s.
 * Its `fused` also has the whole-sequence recurrence kernels of `kernels/recurrenceWasm.ts`
 * (float32): a whole LSTM or GRU layer's forward or backward pass in one call, every step in
 * WebAssembly memory on weights packed once, giving the same bits as core's composed definition
 * on `cpuFast`.
 *
 * @since 0.1.0
 */
import type { Backend, FusedKernels } from '@recur/core'
import { cpu } from './cpu.js'
import { binaryFast } from './kernels/binaryWasm.js'
import { fusedFast } from './kernels/fusedWasm.js'
import { matmulFast } from './kernels/matmulCpu.js'
import { recurrenceFast } from './kernels/recurrenceWasm.js'
import { type Team, teamOf, withTeam } from './kernels/threads.js'

/**
 * The CPU backend with float32 matmuls summed in float32 and float32 gate kernels with an
 * approximated exp (faster, less accurate; see the module documentation). Use it like `cpu`:
 * `tensor(data, { backend: cpuFast })`.
 *
 * @category instances
 * @since 0.1.0
 */
export const cpuFast: Backend = {
  ...cpu,
  name: 'cpu-fast',
  matmul: matmulFast,
  binary: binaryFast,
  fused: { ...fusedFast, ...recurrenceFast },
}

/**
 * Options of {@link cpuFastWith}.
 *
 * @category instances
 * @since 0.1.0
 */
export interface CpuFastOptions {
  /** Threads a large product is split between, the calling thread included (1 to 64). */
  readonly threads: number
  /**
   * Multiply-adds (m·n·k) from which a product is split; default 2²¹ (about 0.1 ms of work on one
   * thread here, well above the cost of waking a worker).
   */
  readonly minWork?: number
}

/** The default {@link CpuFastOptions.minWork}. */
const MIN_WORK = 2 ** 21

/** `f` run with its products split by `team`. */
const teamed =
  <A extends readonly unknown[], R>(team: Team, f: (...args: A) => R) =>
  (...args: A): R =>
    withTeam(team, () => f(...args))

/** The recurrence kernels with their products split by `team`. */
const recurrenceWith = (team: Team): FusedKernels => {
  const { lstmRecurrence, lstmRecurrenceBackward, gruRecurrence, gruRecurrenceBackward } = recurrenceFast
  return {
    ...(lstmRecurrence === undefined ? {} : { lstmRecurrence: teamed(team, lstmRecurrence) }),
    ...(lstmRecurrenceBackward === undefined ? {} : { lstmRecurrenceBackward: teamed(team, lstmRecurrenceBackward) }),
    ...(gruRecurrence === undefined ? {} : { gruRecurrence: teamed(team, gruRecurrence) }),
    ...(gruRecurrenceBackward === undefined ? {} : { gruRecurrenceBackward: teamed(team, gruRecurrenceBackward) }),
  }
}

/**
 * {@link cpuFast} with large float32 and float64 products on the WebAssembly kernel split by rows
 * between `threads` threads: the calling one and worker threads on the same shared WebAssembly
 * memory, started here (one set serves the process, grown to the most threads asked for; making
 * it forgets the weights `cpuFast` keeps packed, which are packed again on next use). The results
 * are the same bits as `cpuFast`'s (each entry sums the same terms in the same order), and kernels
 * stay synchronous: the caller computes its rows, then waits for the workers'. Splits cover
 * `matmul` (weight gradients included) and the products inside the whole-layer recurrence kernels
 * (the input projection and every step's recurrent product). Workers never keep the process
 * alive. `threads: 1` is `cpuFast` itself.
 *
 * Worth it when another core is free and products are large: measured here (2 cores), see
 * `bench/README.md`.
 *
 * @example
 * ```ts
 * const backend = cpuFastWith({ threads: 2 })
 * const y = run(config, params, tensor(xs, { backend }))
 * ```
 * @throws TypeError when `options` is not an object; RangeError when `threads` is not an integer
 * from 1 to 64 or `minWork` not a positive number.
 * @category instances
 * @since 0.1.0
 */
export const cpuFastWith = (options: CpuFastOptions): Backend => {
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`cpuFastWith: options must be an object such as { threads: 2 }, got ${String(options)}`)
  const { threads, minWork = MIN_WORK } = options
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new RangeError(`cpuFastWith: threads must be an integer from 1 to 64, got ${String(threads)}`)
  if (typeof minWork !== 'number' || !(minWork > 0))
    throw new RangeError(`cpuFastWith: minWork must be a positive number of multiply-adds, got ${String(minWork)}`)
  if (threads === 1) return cpuFast
  const team = teamOf(threads, minWork)
  return {
    ...cpuFast,
    matmul: teamed(team, matmulFast),
    fused: { ...fusedFast, ...recurrenceWith(team) },
  }
}
