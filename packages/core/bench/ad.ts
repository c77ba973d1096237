/**
 * Benchmark (not a test) of automatic differentiation's bookkeeping:
 *
 * 1. Per-operation overhead on tiny tensors ([4] elements, where kernel time is negligible): eval,
 *    forward mode (jvp), and reverse mode split into recording (forward) and the backward pass.
 * 2. Memory held between the forward and backward passes of BPTT through `scan` for T = 1,000
 *    steps of a small tanh RNN, plain and with `checkpoint` segments, and the time of each.
 *
 * Run: npx -y pnpm@10.34.9 bench:ad   (it needs --expose-gc, which the script sets)
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cpu } from '@recur/backend-cpu'
import * as R from '../src/index.js'

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with node --expose-gc (npx -y pnpm@10.34.9 bench:ad does)')
const collect = gc

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const time = (f: () => void, repeats = 7): number => {
  f()
  const ts: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now()
    f()
    ts.push(performance.now() - t0)
  }
  return median(ts)
}

const o = { backend: cpu, dtype: 'float32' } as const
const a = R.tensor([0.1, 0.2, 0.3, 0.4], o)
const N = 20_000
const chain = (x: R.Tensor): R.Tensor => {
  let y = x
  for (let i = 0; i < N / 2; i++) y = R.tanh(R.mul(y, a))
  return R.sum(y)
}

// BPTT memory: h_t = tanh(x_t W + h_{t-1} U + b), loss = Σ_t Σ h_t
const T = 1000
const B = 8
const H = 64
const rnd = (shape: number[], seed: number) =>
  R.fromFlat(
    Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 0.1),
    shape,
    o,
  )
const params = { w: rnd([H, H], 1), u: rnd([H, H], 2), b: rnd([H], 3) }
const xs = rnd([T, B, H], 4)
const loss = (p: typeof params, checkpoint: number | undefined) =>
  R.sum(
    R.scan(
      (h: R.Tensor, x: R.Tensor) => {
        const n = R.tanh(R.add(R.add(R.matmul(x, p.w), R.matmul(h, p.u)), p.b))
        return [n, R.sum(n)] as const
      },
      R.zeros([B, H], o),
      xs,
      checkpoint === undefined ? {} : { checkpoint },
    )[1],
  )

const heap = () => {
  for (let i = 0; i < 4; i++) collect()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}
const measure = (checkpoint: number | undefined) => {
  const before = heap()
  const t0 = performance.now()
  const [, pb] = R.vjp((p: typeof params) => loss(p, checkpoint), [params])
  const t1 = performance.now()
  const held = heap() - before
  const t2 = performance.now()
  pb(R.tensor(1, o))
  const t3 = performance.now()
  return { held, forward: t1 - t0, backward: t3 - t2 }
}
const variant = process.argv[2]
if (variant !== undefined) {
  // child process: one measurement, printed as JSON
  const segments = variant === 'plain' ? undefined : Math.ceil(Math.sqrt(T))
  measure(segments)
  process.stdout.write(JSON.stringify(measure(segments)))
} else {
  const evalMs = time(() => {
    chain(a)
  })
  const jvpMs = time(() => {
    R.jvp(chain, [a], [a])
  })
  let pullback: ((ct: R.Tensor) => readonly [R.Tensor]) | undefined
  const recordMs = time(() => {
    pullback = R.vjp(chain, [a])[1]
  })
  const backMs = time(() => {
    pullback?.(R.tensor(1, o))
  })
  const us = (ms: number) => ((ms * 1000) / N).toFixed(2)
  console.log(`\nper-op overhead on [4]-element tensors, ${N} ops (tanh and mul alternating), median of 7 runs`)
  console.log('| mode | µs per op | × eval |')
  console.log('| --- | --- | --- |')
  console.log(`| eval | ${us(evalMs)} | 1.0 |`)
  console.log(`| jvp (forward mode) | ${us(jvpMs)} | ${(jvpMs / evalMs).toFixed(1)} |`)
  console.log(`| vjp: record (forward pass) | ${us(recordMs)} | ${(recordMs / evalMs).toFixed(1)} |`)
  console.log(`| vjp: backward pass | ${us(backMs)} | ${(backMs / evalMs).toFixed(1)} |`)
  const child = (v: string) =>
    JSON.parse(
      execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), v], { encoding: 'utf8' }),
    ) as ReturnType<typeof measure>
  const plain = child('plain')
  const ck = child('checkpoint')
  const mb = (b: number) => (b / 2 ** 20).toFixed(1)
  console.log(
    `\nBPTT through scan, T = ${T}, batch ${B}, hidden ${H}, float32: memory held between forward and backward (each in a fresh process)`,
  )
  console.log('| variant | held MiB | forward ms | backward ms | total ms |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const [name, r] of [
    ['plain BPTT', plain],
    [`checkpoint segments of ${Math.ceil(Math.sqrt(T))}`, ck],
  ] as const) {
    console.log(
      `| ${name} | ${mb(r.held)} | ${r.forward.toFixed(0)} | ${r.backward.toFixed(0)} | ${(r.forward + r.backward).toFixed(0)} |`,
    )
  }
  console.log(
    `memory ratio ${(plain.held / ck.held).toFixed(1)}×, time ratio ${((ck.forward + ck.backward) / (plain.forward + plain.backward)).toFixed(2)}×`,
  )
}
