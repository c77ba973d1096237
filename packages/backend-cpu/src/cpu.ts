/**
 * The CPU backend: every kernel of the `Backend` interface over `Float32Array` / `Float64Array`,
 * in plain TypeScript. Each kernel lives in its own module under `kernels/`, so a hot one (say
 * `matmul`) can be replaced by a WebAssembly SIMD implementation without touching the others or
 * core.
 *
 * @since 0.1.0
 */
import type { Backend } from '@recur/core'
import { binary, compare, where } from './kernels/binary.js'
import { fused } from './kernels/fused.js'
import { cast, fill, gather, oneHot, scatterAdd } from './kernels/indexing.js'
import { concat, pad, reshape, slice, transpose } from './kernels/layout.js'
import { matmul } from './kernels/matmulCpu.js'
import { argReduce, reduce } from './kernels/reduce.js'
import { unary } from './kernels/unary.js'

/**
 * The CPU backend. Pass it to constructors (`tensor(data, { backend: cpu })`) or set it once as
 * the default with `setDefaultBackend(cpu)`.
 *
 * @category instances
 * @since 0.1.0
 */
export const cpu: Backend = {
  name: 'cpu',
  unary,
  binary,
  compare,
  where,
  reduce,
  argReduce,
  matmul,
  transpose,
  reshape,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  oneHot,
  cast,
  fill,
  /** The optional fused LSTM/GRU kernels (`kernels/fused.ts`). */
  fused,
}
