/**
 * `cpuFast` passes the backend conformance kit with the kit's float32-accumulator tolerance for
 * `matmul` (its float32 products sum in float32), and its LSTM values and gradients match the
 * reference's within the kit's default end-to-end tolerance; its `binary` passes the kit too (the
 * kit's arrays are small: the WebAssembly path for large ones is `binaryWasm.test.ts`). Its other
 * kernels are `cpu`'s, which `conformance.test.ts` checks. Also: the cancelling sum that separates
 * it from `cpu`.
 *
 * Reproduce a run with FC_SEED=<seed printed below>; FC_RUNS sets the cases per check.
 */
import { registerConformance } from '@recur/testing'
import { describe, expect, it } from 'vitest'
import { cpu, cpuFast } from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 200)
process.stdout.write(`cpuFast conformance: seed ${seed}, ${numRuns} cases\n`)

describe('cpuFast conforms to the Backend contract with float32 sums in matmul', () => {
  registerConformance(cpuFast, it, {
    seed,
    numRuns,
    kernels: ['matmul', 'binary'],
    tolerances: { matmul: { accumulator: 'float32', absolute: 2 ** -126 } },
  })
})

describe('cpuFast sums float32 products in float32', () => {
  it('rows of [2²⁴, 1, −2²⁴] repeated 6 times, times ones: 0 on cpuFast, 6 on cpu', () => {
    // 4 × 18 · 18 × 8: four rows (the blocked kernel) and enough work for WebAssembly.
    const rows = Float32Array.from({ length: 4 * 18 }, (_, i) => [2 ** 24, 1, -(2 ** 24)][i % 3] ?? 0)
    const a = { shape: [4, 18], dtype: 'float32' as const, data: rows }
    const b = { shape: [18, 8], dtype: 'float32' as const, data: new Float32Array(18 * 8).fill(1) }
    expect(Array.from(cpuFast.matmul(a, b, false, false, [4, 8]))).toEqual(new Array<number>(32).fill(0))
    expect(Array.from(cpu.matmul(a, b, false, false, [4, 8]))).toEqual(new Array<number>(32).fill(6))
  })

  it('float64 products are cpu’s', () => {
    const a = { shape: [6, 40], dtype: 'float64' as const, data: Float64Array.from({ length: 240 }, (_, i) => Math.sin(i)) }
    expect(cpuFast.matmul(a, a, false, true, [6, 6])).toEqual(cpu.matmul(a, a, false, true, [6, 6]))
  })
})
