/**
 * Benchmark of the CPU matmul kernel against a plain i-k-j triple loop, for square matrices.
 *
 * Run: `node_modules/.bin/tsx packages/backend-cpu/bench/matmul.ts` (about half a minute).
 * Each case is warmed up, then timed several times; the table shows the median, in GFLOP/s
 * (2·n³ flops per product).
 */
import type { DType } from '@recur/core'
import { matmul } from '../src/kernels/matmul.js'

/** The baseline for float32: i-k-j over Float32Array, accumulating in the output. */
const ikj32 = (a: Float32Array, b: Float32Array, n: number): Float32Array => {
  const c = new Float32Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const x = a[i * n + p] ?? 0
      for (let j = 0, cj = i * n, bj = p * n; j < n; j++, cj++, bj++) c[cj] = (c[cj] ?? 0) + x * (b[bj] ?? 0)
    }
  }
  return c
}

/** The baseline for float64: i-k-j over Float64Array, accumulating in the output. */
const ikj64 = (a: Float64Array, b: Float64Array, n: number): Float64Array => {
  const c = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < n; p++) {
      const x = a[i * n + p] ?? 0
      for (let j = 0, cj = i * n, bj = p * n; j < n; j++, cj++, bj++) c[cj] = (c[cj] ?? 0) + x * (b[bj] ?? 0)
    }
  }
  return c
}

/**
 * Median milliseconds of one call of `f` over `runs` timed runs after `warmup` untimed ones.
 * Small cases repeat `f` `inner` times per run so each run lasts long enough to time.
 */
const time = (f: () => unknown, warmup: number, runs: number, inner: number): number => {
  for (let r = 0; r < warmup; r++) f()
  const samples: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    for (let q = 0; q < inner; q++) f()
    samples.push((performance.now() - t0) / inner)
  }
  samples.sort((x, y) => x - y)
  return samples[samples.length >> 1] ?? Number.NaN
}

/** Uniform random values in [-1, 1). */
const random = (dtype: DType, length: number): Float32Array | Float64Array => {
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length)
  for (let i = 0; i < length; i++) data[i] = Math.random() * 2 - 1
  return data
}

const plan = [
  { n: 64, warmup: 20, runs: 15, inner: 20 },
  { n: 256, warmup: 3, runs: 9, inner: 1 },
  { n: 1024, warmup: 1, runs: 3, inner: 1 },
]
const dtypes: readonly DType[] = ['float32', 'float64']

const rows: string[][] = [['size', 'dtype', 'kernel GFLOP/s', 'i-k-j GFLOP/s', 'ratio']]
for (const { n, warmup, runs, inner } of plan) {
  for (const dtype of dtypes) {
    const shape = [n, n]
    const a = random(dtype, n * n),
      b = random(dtype, n * n)
    const kernel = (): unknown => matmul({ shape, dtype, data: a }, { shape, dtype, data: b }, false, false, shape)
    const baseline =
      a instanceof Float32Array && b instanceof Float32Array
        ? (): unknown => ikj32(a, b, n)
        : a instanceof Float64Array && b instanceof Float64Array
          ? (): unknown => ikj64(a, b, n)
          : (): unknown => undefined
    const flops = 2 * n ** 3
    const gk = flops / time(kernel, warmup, runs, inner) / 1e6
    const gb = flops / time(baseline, warmup, runs, inner) / 1e6
    rows.push([String(n), dtype, gk.toFixed(2), gb.toFixed(2), `${(gk / gb).toFixed(1)}x`])
  }
}

const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? []
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c] ?? 0)).join('  '))
