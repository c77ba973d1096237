/**
 * Benchmark (not a test) of the fused cell primitives, float32 on cpu:
 *
 * 1. A training step — forward over the sequence and BPTT through `scan` via `valueAndGrad` — of
 *    an LSTM and a (reset-after) GRU with input 64, hidden 256, batch 32, sequence 64.
 * 2. Streaming inference: one step at a time, batch 1, input 128, hidden 128, µs per step.
 *
 * Three variants of the cell's elementwise part:
 * - composed: `composedLstmGates` / `composedGruGates`, ~12 primitives per step, one AD node each;
 * - fused, no kernel: the `lstmGates` / `gruGates` primitives on cpu without its fused kernels (one
 *   AD node, the composition evaluated at the kernel level);
 * - fused: the primitives with cpu's fused kernels.
 *
 * The training step projects each step's input inside the scan (x_t·W_ihᵀ + b_ih per step). The
 * last row hoists the projection out of the scan (one matmul over the sequence, as the models
 * package's layers do). That costs O(T) in BPTT since `unstack` is one primitive whose pullback is
 * one `stack`; when it was T slices, every step's input cotangent was padded to the whole sequence
 * and the T copies added up, O(T²): twice the time of this step.
 *
 * Matmul is timed separately (the backend is wrapped to time its `matmul` kernel), so the gains
 * of fusion (elementwise kernels and per-op overhead) show apart from matmul speed.
 *
 * Run: npx -y pnpm@10.34.9 bench:cells [quick] [train|stream] [lstm|gru]   (quick: fewer repetitions;
 *      the others pick tables)
 */
import { cpu } from '@recur/backend-cpu'
import * as R from '../src/index.js'

const quick = process.argv.includes('quick')
/** Collects garbage before each measured run when node runs with --expose-gc (the script sets it). */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined)

/** cpu with its `matmul` kernel timed; `fused: false` also drops the fused kernels. */
const timed = (fused: boolean) => {
  const { fused: kernels, ...required } = cpu
  let matmulMs = 0
  const backend: R.Backend = {
    ...required,
    ...(fused && kernels !== undefined ? { fused: kernels } : {}),
    name: fused ? 'cpu' : 'cpu without fused kernels',
    matmul: (a, b, ta, tb, out) => {
      const t0 = performance.now()
      const r = cpu.matmul(a, b, ta, tb, out)
      matmulMs += performance.now() - t0
      return r
    },
  }
  return {
    backend,
    take: () => {
      const m = matmulMs
      matmulMs = 0
      return m
    },
  }
}

type Mode = 'LSTM' | 'GRU'
type Variant = 'composed' | 'fused, no kernel' | 'fused'
const variants: readonly Variant[] = ['composed', 'fused, no kernel', 'fused']
/** A row of a table: a variant, or the fused variant with the input projection hoisted out of the scan. */
type Row = Variant | 'fused, projection hoisted'

type Params = {
  readonly w_ih: R.Tensor
  readonly w_hh: R.Tensor
  readonly b_ih: R.Tensor
  readonly b_hh: R.Tensor
}
type State = {
  readonly h: R.Tensor
  readonly c: R.Tensor
}

const init = (mode: Mode, input: number, hidden: number, backend: R.Backend): Params => {
  const g = (mode === 'LSTM' ? 4 : 3) * hidden
  const o = { backend, dtype: 'float32' } as const
  const s = 1 / Math.sqrt(hidden)
  const u = (k: number, shape: number[]) => R.Random.uniform(R.Random.key(k), shape, { ...o, min: -s, max: s })
  return { w_ih: u(1, [g, input]), w_hh: u(2, [g, hidden]), b_ih: u(3, [g]), b_hh: u(4, [g]) }
}

/** The recurrent part of a step, given the projected input `xp` `(N, G·H)`. */
const recur =
  (mode: Mode, variant: Variant, p: Params) =>
  (s: State, xp: R.Tensor): readonly [State, R.Tensor] => {
    const hp = R.add(R.matmul(s.h, p.w_hh, { transposeB: true }), p.b_hh)
    if (mode === 'LSTM') {
      const gates = variant === 'composed' ? R.composedLstmGates : R.lstmGates
      const [h, c] = gates(R.add(xp, hp), s.c)
      return [{ h, c }, h]
    }
    const h = (variant === 'composed' ? R.composedGruGates : R.gruGates)(xp, hp, s.h)
    return [{ h, c: s.c }, h]
  }

const project = (p: Params, x: R.Tensor): R.Tensor => R.add(R.matmul(x, p.w_ih, { transposeB: true }), p.b_ih)

/** A prepared measurement: `once()` runs it and returns [total, matmul] in ms. */
interface Runner {
  readonly once: () => readonly [number, number]
}

const trainStep = (mode: Mode, variant: Variant, hoisted = false): Runner => {
  const [I, H, N, L] = [64, 256, 32, 64]
  const { backend, take } = timed(variant === 'fused')
  const o = { backend, dtype: 'float32' } as const
  const params = init(mode, I, H, backend)
  const xs = R.Random.normal(R.Random.key(5), [L, N, I], o)
  const s0 = { h: R.zeros([N, H], o), c: R.zeros([N, H], o) }
  const loss = (p: Params) => {
    const step = recur(mode, variant, p)
    const [, ys] = hoisted ? R.scan(step, s0, project(p, xs)) : R.scan((s: State, x: R.Tensor) => step(s, project(p, x)), s0, xs)
    return R.mean(R.square(ys))
  }
  return {
    once: () => {
      take()
      const t0 = performance.now()
      R.valueAndGrad(loss)(params)
      return [performance.now() - t0, take()]
    },
  }
}

const streaming = (mode: Mode, variant: Variant): Runner => {
  const [I, H] = [128, 128]
  const { backend, take } = timed(variant === 'fused')
  const o = { backend, dtype: 'float32' } as const
  const params = init(mode, I, H, backend)
  const steps = quick ? 300 : 1000
  const inputs = R.unstack(R.Random.normal(R.Random.key(6), [steps, 1, I], o))
  const step = recur(mode, variant, params)
  return {
    once: () => {
      take()
      const t0 = performance.now()
      let s: State = { h: R.zeros([1, H], o), c: R.zeros([1, H], o) }
      for (const x of inputs) s = step(s, project(params, x))[0]
      const total = performance.now() - t0
      return [(total * 1000) / steps, (take() * 1000) / steps]
    },
  }
}

/**
 * Runs the variants' measurements interleaved (so that load from other processes hits all of them
 * alike), `reps` times after `warmups` rounds, and keeps each variant's fastest run (the least
 * disturbed one) with its matmul share; `warmups` rounds first let the JIT settle.
 */
const compare = (runners: readonly (readonly [Row, Runner])[], reps: number, warmups = 1) => {
  const best = new Map<Row, { total: number; matmul: number }>()
  for (let w = 0; w < warmups; w++) for (const [, r] of runners) r.once()
  for (let i = 0; i < reps; i++) {
    for (const [v, r] of runners) {
      collect()
      const [total, matmul] = r.once()
      const prev = best.get(v)
      if (prev === undefined || total < prev.total) best.set(v, { total, matmul })
    }
  }
  return runners.map(([v]) => [v, best.get(v) ?? { total: Number.NaN, matmul: Number.NaN }] as const)
}

const row = (name: string, r: { total: number; matmul: number }, base: number, digits: number) =>
  `| ${name} | ${r.total.toFixed(digits)} | ${r.matmul.toFixed(digits)} | ${(r.total - r.matmul).toFixed(digits)} | ${(base / r.total).toFixed(2)}× |`

const reps = quick ? 3 : 7
const args = process.argv.slice(2)
const pick = <T extends string>(all: readonly T[]): readonly T[] => {
  const chosen = all.filter((a) => args.includes(a.toLowerCase()))
  return chosen.length === 0 ? all : chosen
}
const sections = pick(['train', 'stream'] as const)
const modes = pick(['LSTM', 'GRU'] as const)
if (sections.includes('train')) {
  console.log(`\ntraining step (forward + BPTT, valueAndGrad), input 64, hidden 256, batch 32, seq 64, float32, best of ${reps}`)
  console.log('| cell / variant | total ms | matmul ms | rest ms | speed-up |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const mode of modes) {
    const rs = compare(
      [
        ...variants.map((v) => [v, trainStep(mode, v)] as const),
        ['fused, projection hoisted', trainStep(mode, 'fused', true)] as const,
      ],
      reps,
    )
    const base = rs[0]?.[1].total ?? Number.NaN
    for (const [v, r] of rs) console.log(row(`${mode} ${v}`, r, base, 0))
  }
}

if (sections.includes('stream')) {
  console.log(
    `\nstreaming inference, batch 1, input 128, hidden 128, float32, µs per step (projection included), best of ${2 * reps}`,
  )
  console.log('| cell / variant | µs/step | matmul µs | rest µs | speed-up |')
  console.log('| --- | --- | --- | --- | --- |')
  for (const mode of modes) {
    const rs = compare(
      variants.map((v) => [v, streaming(mode, v)] as const),
      2 * reps,
      3,
    )
    const base = rs[0]?.[1].total ?? Number.NaN
    for (const [v, r] of rs) console.log(row(`${mode} ${v}`, r, base, 1))
  }
}
