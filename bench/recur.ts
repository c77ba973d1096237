/**
 * recur's side of the benchmark: one workload (one variant) per process, through the public API
 * only (`@recur/core`, `@recur/backend-cpu`, `@recur/models`), so that faster kernels land here
 * without changes. It runs the compiled packages (`dist/`, built by `tsc -b` in the `bench`
 * script), as an application importing recur does: under tsx, the sources would be timed with
 * tsx's transform and its per-function `__name` wrappers, and the loader's thread would add about
 * 50 MiB to every memory figure. The bench script compiles this file (bench/tsconfig.recur.json)
 * and bench/run.ts runs it as `node --expose-gc .bench/recur.js '<job JSON>'`.
 *
 * - W1/W2: `run` (a one-layer LSTM/GRU over `(L, N, I)`), a linear head to O outputs at every
 *   step, `mse`, `valueAndGrad`, one `sgd` update with `applyUpdates`.
 * - W3: `cell(...).step` fed one `(1, I)` input at a time (streaming inference).
 * - W4: `run` forward only.
 * - W5: the W1 model over L = 1,000, `run` plain or with `{ checkpoint: ⌈√L⌉ }` (the layer in
 *   checkpointed segments, as PyTorch's side runs `nn.LSTM` per `torch.utils.checkpoint`
 *   segment), the same code otherwise; `vjp` splits the step so the memory held between the
 *   forward and the backward pass is measured as packages/core/bench/ad.ts does.
 * - M1: one `matmul(x, W)` of `(L·N, I)` by `(I, G·H)` (`W = transpose(W_ih)`, before timing); on recur-fast
 *   also SIMD128's arithmetic peak, from `.bench/peak.wasm` (bench/assembly/peak.ts, compiled by
 *   bench/run.ts).
 */
import { readFileSync } from 'node:fs'
import { cpu, cpuFast, cpuFastWith } from '../packages/backend-cpu/dist/index.js'
import {
  add,
  checkpoint,
  div,
  fromTypedArray,
  matmul,
  reshape,
  scalar,
  slice,
  type Tensor,
  transpose,
  valueAndGrad,
  vjp,
  zeros,
} from '../packages/core/dist/index.js'
import { applyUpdates, type CellParams, cell, config, mse, run, type State, sgd } from '../packages/models/dist/index.js'
import { progress, readJob, rss, rssFields, runChild, timeSteps, toMiB } from './child.js'
import { type ChildResult, type Job, type Sizes, type StreamName, segmentLength, shapeOf, valuesOf } from './spec.js'

// `recur` runs on `cpu` (float32 products summed in float64, the kit's default contract);
// `recur-fast` on `cpuFast` (float32 products summed in float32, as PyTorch and float32 BLAS do)
// with `--threads N` (N > 1) recur-fast runs on `cpuFastWith({ threads: N })`: large products split
// between N threads; `cpu` has no threads
const side = process.env.RECUR_BENCH_BACKEND === 'cpuFast' ? 'recur-fast' : 'recur'
const threads = side === 'recur-fast' ? readJob().threads : 1
const fast = threads > 1 ? cpuFastWith({ threads }) : cpuFast
const place = { backend: side === 'recur-fast' ? fast : cpu, dtype: 'float32' } as const
const seededTensor = (s: Sizes, name: StreamName): Tensor => fromTypedArray(valuesOf(s, name), shapeOf(s, name), place)

type Params = { readonly cell: CellParams; readonly head_w: Tensor; readonly head_b: Tensor }

const initial = (s: Sizes): Params => ({
  cell: {
    weight_ih: seededTensor(s, 'weight_ih'),
    weight_hh: seededTensor(s, 'weight_hh'),
    bias_ih: seededTensor(s, 'bias_ih'),
    bias_hh: seededTensor(s, 'bias_hh'),
  },
  head_w: seededTensor(s, 'head_w'),
  head_b: seededTensor(s, 'head_b'),
})

/** The layer's state_dict names (`weight_ih_l0`, …) for a cell's parameters. */
const layerParams = (p: CellParams): Readonly<Record<string, Tensor>> =>
  Object.fromEntries(Object.entries(p).map(([k, v]) => [`${k}_l0`, v]))

const head = (p: Params, hs: Tensor): Tensor => add(matmul(hs, p.head_w, { transposeB: true }), p.head_b)

const layerConfig = (s: Sizes) => config({ mode: s.mode, inputSize: s.I, hiddenSize: s.H })
const cellOf = (s: Sizes) => cell({ mode: s.mode, inputSize: s.I, hiddenSize: s.H })

/** W1/W2: forward, BPTT and one SGD step per call. */
const train = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const c = layerConfig(s)
  const x = seededTensor(s, 'x')
  const y = seededTensor(s, 'y')
  const opt = sgd(job.learningRate)
  let params = initial(s)
  let state = opt.init(params)
  const loss = (p: Params): Tensor => mse(head(p, run(c, layerParams(p.cell), x).output), y)
  const losses: number[] = []
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    const [value, grads] = valueAndGrad(loss)(params)
    const [updates, next] = opt.update(grads, state)
    params = applyUpdates(params, updates)
    state = next
    losses.push(value.item())
    return undefined
  })
  return { ok: true, samplesMs: samples, losses, ...rssFields(before), threads, version: 'workspace' }
}

/** W3: one `(1, I)` input at a time through `cell.step`; a run is the whole stream of L steps. */
const stream = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const lstm = cellOf(s)
  const step = lstm.step(initial(s).cell)
  const all = valuesOf(s, 'x')
  const xs = Array.from({ length: s.L }, (_, t) => fromTypedArray(all.subarray(t * s.I, (t + 1) * s.I), [1, s.I], place))
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    let st: State = lstm.initialState(1, place)
    for (const x of xs) st = step(st, x)[0]
    return undefined
  })
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: 'workspace' }
}

/** W4: `run` forward over the whole batch. */
const infer = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const c = layerConfig(s)
  const p = layerParams(initial(s).cell)
  const x = seededTensor(s, 'x')
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    run(c, p, x)
    return undefined
  })
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: 'workspace' }
}

const collect = (): number => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('W5 needs node --expose-gc (bench/run.ts sets it)')
  for (let i = 0; i < 4; i++) gc()
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * W5 `checkpoint-all`: the mean squared error as a sum over segments of ⌈√L⌉ steps, each
 * segment's layer (from the state the previous one ended in), head and summed loss one
 * `checkpoint` call, so only the segments' states and losses are kept between the passes.
 */
const segmentedLoss = (s: Sizes, c: ReturnType<typeof layerConfig>, x: Tensor, y: Tensor) => {
  const k = segmentLength(s)
  const part = checkpoint((p: Params, xs: Tensor, ys: Tensor, h0: Tensor, c0: Tensor) => {
    const r = run(c, layerParams(p.cell), xs, { h0, c0 })
    return [mse(head(p, r.output), ys, { reduction: 'sum' }), r.h_n, r.c_n ?? c0] as const
  })
  return (p: Params): Tensor => {
    let h = zeros([1, s.N, s.H], place)
    let cell = h
    let total = scalar(0, place)
    for (let t = 0; t < s.L; t += k) {
      const n = Math.min(k, s.L - t)
      const [l, hn, cn] = part(p, slice(x, [t, 0, 0], [n, s.N, s.I]), slice(y, [t, 0, 0], [n, s.N, s.O]), h, cell)
      total = add(total, l)
      h = hn
      cell = cn
    }
    return div(total, s.L * s.N * s.O)
  }
}

/** W5: the W1 step over a long sequence, plain, with the layer's checkpointed segments, or with whole checkpointed segments. */
const longBptt = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const c = layerConfig(s)
  const x = seededTensor(s, 'x')
  const y = seededTensor(s, 'y')
  const opt = sgd(job.learningRate)
  const segments = job.variant === 'plain' ? undefined : segmentLength(s)
  const loss =
    job.variant === 'checkpoint-all'
      ? segmentedLoss(s, c, x, y)
      : (p: Params): Tensor =>
          mse(head(p, run(c, layerParams(p.cell), x, segments === undefined ? {} : { checkpoint: segments }).output), y)
  let params = initial(s)
  let state = opt.init(params)
  const losses: number[] = []
  let held = Number.NaN
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    const base = Number.isNaN(held) ? collect() : 0
    const t0 = performance.now()
    const [value, pullback] = vjp(loss, [params])
    const t1 = performance.now()
    if (Number.isNaN(held)) held = collect() - base
    const t2 = performance.now()
    const [grads] = pullback(scalar(1, place))
    const [updates, next] = opt.update(grads, state)
    params = applyUpdates(params, updates)
    state = next
    losses.push(value.item())
    return t1 - t0 + (performance.now() - t2)
  })
  progress(side, `W5 ${job.variant}: held between forward and backward ${toMiB(held).toFixed(1)} MiB`)
  return {
    ok: true,
    samplesMs: samples,
    losses,
    ...rssFields(before),
    heldMiB: toMiB(held),
    threads,
    version: 'workspace',
    notes:
      segments === undefined
        ? []
        : [`checkpoint segments of ${segments} steps${job.variant === 'checkpoint-all' ? ' (layer, head and loss)' : ''}`],
  }
}

/**
 * SIMD128's arithmetic peak in GFLOP/s: the best of 7 timed calls of bench/assembly/peak.ts's
 * register-only loop (about 50 ms each), after one untimed call.
 */
const simdPeak = (): number => {
  // TypeScript types `WebAssembly` only in its DOM libraries, which the bench does not load
  const api: unknown = Reflect.get(globalThis, 'WebAssembly')
  const Module: unknown = Reflect.get(Object(api), 'Module')
  const Instance: unknown = Reflect.get(Object(api), 'Instance')
  if (typeof Module !== 'function' || typeof Instance !== 'function') throw new Error('this Node has no WebAssembly')
  const bytes = readFileSync(new URL('./peak.wasm', import.meta.url))
  const exports: unknown = Reflect.get(Reflect.construct(Instance, [Reflect.construct(Module, [bytes]), {}]), 'exports')
  const peak: unknown = Reflect.get(Object(exports), 'peak')
  const perIteration = Number(Reflect.get(Object(Reflect.get(Object(exports), 'FLOPS_PER_ITERATION')), 'value'))
  if (typeof peak !== 'function' || !(perIteration > 0))
    throw new Error('.bench/peak.wasm lacks its peak/FLOPS_PER_ITERATION exports (bench/run.ts compiles it)')
  const iterations = 10_000_000
  const call = (): number => {
    const t0 = performance.now()
    Reflect.apply(peak, undefined, [iterations])
    return (iterations * perIteration) / ((performance.now() - t0) / 1000) / 1e9
  }
  call()
  return Math.max(...Array.from({ length: 7 }, call))
}

/** M1: one input projection `(L·N, I) · W_ihᵀ` (a contiguous `(I, G·H)`), the matrix product at its top speed. */
const product = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const x = reshape(seededTensor(s, 'x'), [s.L * s.N, s.I])
  const w = transpose(seededTensor(s, 'weight_ih'))
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    matmul(x, w)
    return undefined
  })
  const peak = side === 'recur-fast' ? { simdPeakGflops: simdPeak() } : {}
  if (peak.simdPeakGflops !== undefined) progress(side, `SIMD128 arithmetic peak: ${peak.simdPeakGflops.toFixed(1)} GFLOP/s`)
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: 'workspace', ...peak }
}

runChild(async (job) => {
  switch (job.workload) {
    case 'W1':
    case 'W2':
      return train(job)
    case 'W3':
      return stream(job)
    case 'W4':
      return infer(job)
    case 'W5':
      return longBptt(job)
    case 'M1':
      return product(job)
  }
})
