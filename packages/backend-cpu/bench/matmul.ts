/**
 * Benchmark of the CPU matmul kernels: the WebAssembly SIMD kernel (`matmulWasm`, float64 sums), its
 * float32-sum variant (`matmulWasmFloat32Sums`, the `cpuFast` backend), the JavaScript kernel
 * (`matmul.ts`) and a plain loop, for square matrices and the products of an RNN step.
 *
 * Run: `npx -y pnpm@10.34.9 bench:matmul` (about a minute; it compiles the .wasm first if needed).
 * Each case is warmed up, then timed several times; the table shows the fastest run, in GFLOP/s
 * (2·m·n·k flops per product): on a machine shared with other work the fastest run is the best
 * estimate of the kernel's own speed (medians moved by 2× between runs here). `cpu` is the
 * backend's own choice between the two kernels.
 *
 * RNN shapes, as `x · Wᵀ` with PyTorch's weight layout `W: [gates·H, in]` (`b` transposed):
 * `[32,256]·[1024,256]ᵀ` (an LSTM step, batch 32, H = 256), `[32,64]·[1024,64]ᵀ` (H = 256 from 64
 * inputs), `[2048,64]·[1024,64]ᵀ` (the input projection of 64 steps at once), `[1,128]·[512,128]ᵀ`
 * (one unbatched step, H = 128).
 */
import type { DType, Operand } from '@recur/core'
import { matmul as matmulJs } from '../src/kernels/matmul.js'
import { matmul as matmulCpu } from '../src/kernels/matmulCpu.js'
import { matmulWasm, matmulWasmFloat32Sums } from '../src/kernels/matmulWasm.js'

type Data = Float32Array | Float64Array

/**
 * The baseline: a plain loop over the typed arrays, accumulating in the output: i-k-j for a plain
 * b, one dot product per entry for a transposed b (both read memory in order).
 */
const plain = (a: Data, b: Data, c: Data, m: number, n: number, k: number, transposeB: boolean): Data => {
  for (let i = 0; i < m; i++) {
    if (transposeB) {
      for (let j = 0; j < n; j++) {
        let s = 0
        for (let p = 0; p < k; p++) s += (a[i * k + p] ?? 0) * (b[j * k + p] ?? 0)
        c[i * n + j] = s
      }
      continue
    }
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p] ?? 0
      for (let j = 0, cj = i * n, bj = p * n; j < n; j++, cj++, bj++) c[cj] = (c[cj] ?? 0) + x * (b[bj] ?? 0)
    }
  }
  return c
}

/**
 * Milliseconds of one call of `f` in the fastest of `runs` timed runs after `warmup` untimed ones;
 * each run repeats `f` until it lasts about 20 ms.
 */
const time = (f: () => unknown, warmup: number, runs: number): number => {
  for (let r = 0; r < warmup; r++) f()
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

/** Uniform random values in [-1, 1). */
const random = (dtype: DType, length: number): Data => {
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1
  return data
}

interface Case {
  readonly name: string
  readonly m: number
  readonly n: number
  readonly k: number
  readonly transposeB: boolean
  readonly dtype: DType
  /** Timed runs of the fast kernels, and of the plain loop (slow on large cases). */
  readonly runs: number
  readonly plainRuns: number
}

const square = (n: number, dtype: DType, runs: number, plainRuns: number): Case => ({
  name: `${n}³`,
  m: n,
  n,
  k: n,
  transposeB: false,
  dtype,
  runs,
  plainRuns,
})
const rnn = (m: number, n: number, k: number): Case => ({
  name: `[${m},${k}]·[${n},${k}]ᵀ`,
  m,
  n,
  k,
  transposeB: true,
  dtype: 'float32',
  runs: 15,
  plainRuns: 5,
})

const plan: readonly Case[] = [
  ...(['float32', 'float64'] as const).flatMap((d) => [square(64, d, 25, 9), square(256, d, 15, 5), square(1024, d, 5, 1)]),
  rnn(32, 1024, 256),
  rnn(32, 1024, 64),
  rnn(2048, 1024, 64),
  rnn(1, 512, 128),
]

const rows: string[][] = [
  ['product', 'dtype', 'wasm', 'wasm f32 sums', 'js kernel', 'plain loop', 'cpu', 'wasm/js', 'wasm/plain'],
]
for (const c of plan) {
  const a: Operand = { shape: [c.m, c.k], dtype: c.dtype, data: random(c.dtype, c.m * c.k) }
  const b: Operand = { shape: c.transposeB ? [c.n, c.k] : [c.k, c.n], dtype: c.dtype, data: random(c.dtype, c.k * c.n) }
  const ad = a.data,
    bd = b.data
  if (!(ad instanceof Float32Array || ad instanceof Float64Array) || !(bd instanceof Float32Array || bd instanceof Float64Array))
    throw new Error('bench: operands are typed arrays')
  const out = [c.m, c.n]
  const gflops = (ms: number): number => (2 * c.m * c.n * c.k) / ms / 1e6
  const w = gflops(time(() => matmulWasm(a, b, false, c.transposeB, out), 2, c.runs))
  const w32 = gflops(time(() => matmulWasmFloat32Sums(a, b, false, c.transposeB, out), 2, c.runs))
  const j = gflops(time(() => matmulJs(a, b, false, c.transposeB, out), 2, c.runs))
  const cpu = gflops(time(() => matmulCpu(a, b, false, c.transposeB, out), 2, c.runs))
  const fresh = (): Data => (c.dtype === 'float32' ? new Float32Array(c.m * c.n) : new Float64Array(c.m * c.n))
  const p = gflops(time(() => plain(ad, bd, fresh(), c.m, c.n, c.k, c.transposeB), 1, c.plainRuns))
  rows.push([
    c.name,
    c.dtype,
    w.toFixed(2),
    c.dtype === 'float32' ? w32.toFixed(2) : '-',
    j.toFixed(2),
    p.toFixed(2),
    cpu.toFixed(2),
    `${(w / j).toFixed(1)}x`,
    `${(w / p).toFixed(1)}x`,
  ])
}

console.log(
  'GFLOP/s (fastest run); wasm = WebAssembly SIMD kernel (float64 sums), wasm f32 sums = its cpuFast variant, js kernel = matmul.ts, cpu = the backend (picks one)',
)
const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? []
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  '))
