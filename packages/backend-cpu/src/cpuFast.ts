/**
 * `cpuFast`: the CPU backend with float32 matrix products summed in float32, as float32 BLAS
 * libraries (and PyTorch, TensorFlow.js) do, on the WebAssembly f32x4 kernel — about 2.3× the
 * matmul throughput of `cpu`, whose float32 products are float64 sums rounded once.
 *
 * The price is accuracy: an entry of a float32 product of depth k may err by about k·ε₃₂·Σ|a·b|
 * rather than k·ε₆₄·Σ|a·b|, so sums that cancel lose digits (`[2²⁴, 1, −2²⁴] · [1, 1, 1]` is 0
 * here and 1 on `cpu`). It passes the conformance kit with the kit's float32-accumulator
 * tolerance (`{ matmul: { accumulator: 'float32', absolute: 2 ** -126 } }`), not with the default
 * one. Every other kernel, float64 products and products with fewer than four rows are `cpu`'s.
 *
 * @since 0.1.0
 */
import type { Backend } from '@recur/core'
import { cpu } from './cpu.js'
import { matmulFast } from './kernels/matmulCpu.js'

/**
 * The CPU backend with float32 matmuls summed in float32 (faster, less accurate; see the module
 * documentation). Use it like `cpu`: `tensor(data, { backend: cpuFast })`.
 *
 * @category instances
 * @since 0.1.0
 */
export const cpuFast: Backend = { ...cpu, name: 'cpu-fast', matmul: matmulFast }
