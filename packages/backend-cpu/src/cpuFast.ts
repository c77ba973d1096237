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
import type { Backend } from '@recur/core'
import { cpu } from './cpu.js'
import { binaryFast } from './kernels/binaryWasm.js'
import { fusedFast } from './kernels/fusedWasm.js'
import { matmulFast } from './kernels/matmulCpu.js'
import { recurrenceFast } from './kernels/recurrenceWasm.js'

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
