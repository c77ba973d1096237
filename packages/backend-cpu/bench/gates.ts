/**
 * Benchmark of the float32 fused gate kernels: `cpu`'s JavaScript kernels (`fused.ts`, float64
 * `Math.exp` / `Math.tanh` rounded to float32) against `cpuFast`'s WebAssembly f32x4 kernels
 * (`fusedWasm.ts`, including their copies into and out of wasm memory), at the shapes of the
 * benchmarks W1 (an LSTM / GRU training step: batch 32, H = 256) and W3 (streaming: batch 1,
 * H = 128).
 *
 * Run: `node scripts/build-wasm.mjs && node --conditions=@recur/source --import tsx packages/backend-cpu/bench/gates.ts`
 * (a few seconds). Each kernel is warmed up, then timed several times; the table shows the fastest
 * run in ns per element of the state (rows × H): on a shared machine the fastest run is the best
 * estimate of the kernel's own speed.
 */
import type { FusedKernels, Operand } from '@recur/core'
import { fused } from '../src/kernels/fused.js'
import { fusedFast } from '../src/kernels/fusedWasm.js'

/** Milliseconds of one call of `f` in the fastest of `runs` timed runs of about 20 ms each. */
const time = (f: () => unknown, runs: number): number => {
  for (let r = 0; r < 20; r++) f()
  const t0 = performance.now()
  f()
  const inner = Math.max(1, Math.round(20 / Math.max(performance.now() - t0, 0.001)))
  const samples: number[] = []
  for (let r = 0; r < runs; r++) {
    const t = performance.now()
    for (let q = 0; q < inner; q++) f()
    samples.push((performance.now() - t) / inner)
  }
  return Math.min(...samples)
}

/** A float32 operand `[rows, width]` of values spread over (−4, 4). */
const operand = (rows: number, width: number, salt: number): Operand => ({
  shape: [rows, width],
  dtype: 'float32',
  data: Float32Array.from({ length: rows * width }, (_, i) => 4 * Math.sin(salt * 7919 + i * 0.618)),
})

type Gate = 'lstmGates' | 'lstmGatesBackward' | 'gruGates' | 'gruGatesBackward'
type Calls = { readonly [K in Gate]: (k: FusedKernels) => unknown }

const callsOf = (rows: number, H: number): Calls => {
  const g4 = operand(rows, 4 * H, 1)
  const x3 = operand(rows, 3 * H, 2)
  const p3 = operand(rows, 3 * H, 3)
  const [s, a, b] = [4, 5, 6].map((salt) => operand(rows, H, salt)) as [Operand, Operand, Operand]
  return {
    lstmGates: (k) => k.lstmGates?.(g4, s),
    lstmGatesBackward: (k) => k.lstmGatesBackward?.(g4, s, a, b),
    gruGates: (k) => k.gruGates?.(x3, p3, s),
    gruGatesBackward: (k) => k.gruGatesBackward?.(x3, p3, s, a),
  }
}

const shapes = [
  { name: 'W1 32 × 256', rows: 32, H: 256, runs: 15 },
  { name: 'W3 1 × 128', rows: 1, H: 128, runs: 15 },
] as const

const table: string[][] = [['shape', 'kernel', 'js ns/elem', 'wasm ns/elem', 'js µs/call', 'wasm µs/call', 'speedup']]
for (const shape of shapes) {
  const calls = callsOf(shape.rows, shape.H)
  const n = shape.rows * shape.H
  for (const [name, call] of Object.entries(calls)) {
    const js = time(() => call(fused), shape.runs)
    const wasm = time(() => call(fusedFast), shape.runs)
    table.push([
      shape.name,
      name,
      ((js * 1e6) / n).toFixed(2),
      ((wasm * 1e6) / n).toFixed(2),
      (js * 1e3).toFixed(2),
      (wasm * 1e3).toFixed(2),
      `${(js / wasm).toFixed(1)}x`,
    ])
  }
}

console.log('float32 fused gate kernels, fastest run; js = cpu (fused.ts), wasm = cpuFast (fusedWasm.ts, copies included)')
const widths = table[0]?.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length))) ?? []
for (const r of table) console.log(r.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  '))
