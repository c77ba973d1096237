/**
 * The benchmark's report: Markdown tables of medians, GFLOP/s and peer/recur ratios, the W5
 * memory table, the loss sanity check and the machine, from the raw results of one run.
 */
import { type ChildResult, flopsOf, gates, median, type Sizes, type Variant, type WorkloadId, workloads } from './spec.js'

/** One child's outcome. */
export interface Row {
  readonly workload: WorkloadId
  readonly variant: Variant
  readonly side: string
  readonly result: ChildResult
}

/** Everything one run produced (also written as JSON). */
export interface Report {
  readonly command: string
  readonly machine: Readonly<Record<string, string>>
  readonly sides: readonly string[]
  /** Sides that could not run at all, with the reason. */
  readonly unavailable: Readonly<Record<string, string>>
  readonly sizes: Readonly<Partial<Record<WorkloadId, Sizes>>>
  readonly rows: readonly Row[]
}

const find = (r: Report, w: WorkloadId, v: Variant, side: string) =>
  r.rows.find((x) => x.workload === w && x.variant === v && x.side === side)?.result

const timeOf = (res: ChildResult | undefined): number | undefined =>
  res?.ok === true && res.samplesMs.length > 0 ? median(res.samplesMs) : undefined

/** The unit a workload's time is shown in, and the scale from milliseconds. */
const unitOf = (w: WorkloadId, s: Sizes): { readonly unit: string; readonly scale: number } =>
  w === 'W3'
    ? { unit: 'µs/step', scale: 1000 / s.L }
    : w === 'W5'
      ? { unit: 's/step', scale: 1 / 1000 }
      : { unit: 'ms', scale: 1 }

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2))

const rowLabel = (w: WorkloadId, v: Variant, s: Sizes): string => {
  const base = `${w} ${workloads[w].title}`
  return w === 'W5' ? `${base}, ${variantLabel(v, s)}` : base
}

const variantLabel = (v: Variant, s: Sizes): string =>
  v === 'plain'
    ? 'plain BPTT'
    : v === 'checkpoint'
      ? `checkpoint ⌈√${s.L}⌉ (layer)`
      : `checkpoint ⌈√${s.L}⌉ (layer + head + loss)`

const cell = (r: Report, w: WorkloadId, v: Variant, side: string, s: Sizes, notes: string[]): string => {
  const res = find(r, w, v, side)
  if (res === undefined) return r.unavailable[side] === undefined ? '' : '—'
  if (!res.ok) {
    notes.push(`${side} ${w}${w === 'W5' ? ` ${v}` : ''}: ${res.skipped === true ? '' : 'failed: '}${res.error.split('\n')[0]}`)
    return res.skipped === true ? 'n/a' : 'failed'
  }
  if (res.notes !== undefined && res.notes.length > 0)
    notes.push(`${side} ${w}${w === 'W5' ? ` ${v}` : ''}: ${res.notes.join('; ')}`)
  const ms = timeOf(res) ?? Number.NaN
  const { scale } = unitOf(w, s)
  const gflops = w === 'W3' ? '' : ` (${fmt(flopsOf(workloads[w], s) / (ms / 1000) / 1e9)} GFLOP/s)`
  return `${fmt(ms * scale)}${gflops}, n=${res.samplesMs.length}`
}

const ratio = (r: Report, w: WorkloadId, v: Variant, side: string, of: string): string => {
  const base = timeOf(find(r, w, v, of))
  const t = timeOf(find(r, w, v, side))
  return base === undefined || t === undefined ? '—' : `${fmt(t / base)}×`
}

const table = (head: readonly string[], body: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n')

const cases = (r: Report): [WorkloadId, Variant, Sizes][] =>
  Object.entries(r.sizes).flatMap(([w, s]) =>
    workloads[w as WorkloadId].variants.map((v) => [w as WorkloadId, v, s] as [WorkloadId, Variant, Sizes]),
  )

const timeTables = (r: Report, notes: string[]): string => {
  const times = cases(r).map(([w, v, s]) => [
    rowLabel(w, v, s),
    unitOf(w, s).unit,
    ...r.sides.map((side) => cell(r, w, v, side, s, notes)),
  ])
  // one ratio table per recur side that ran: recur-fast (cpuFast) first, the headline backend
  const mine = (['recur-fast', 'recur'] as const).filter((m) => r.sides.includes(m))
  const ratios = mine.flatMap((of) => {
    const peers = r.sides.filter((s) => s !== of)
    const body = cases(r).map(([w, v, s]) => [rowLabel(w, v, s), ...peers.map((side) => ratio(r, w, v, side, of))])
    return ['', `### Ratio peer / ${of} (median time; above 1 = ${of} is faster)`, '', table(['workload', ...peers], body)]
  })
  return ['### Median time (after warm-up), n = timed runs', '', table(['workload', 'unit', ...r.sides], times), ...ratios].join(
    '\n',
  )
}

/** Peak RSS of every child (workload × side), so memory is reported for every workload, not only W5. */
const peakTable = (r: Report): string => {
  const body = cases(r).map(([w, v, s]) => [
    rowLabel(w, v, s),
    ...r.sides.map((side) => {
      const res = find(r, w, v, side)
      return res?.ok === true ? `${res.peakRssMiB.toFixed(0)} (+${res.rssGrowthMiB.toFixed(0)})` : res === undefined ? '' : '—'
    }),
  ])
  return [
    '### Peak memory: RSS high-water mark of each process, MiB (in brackets: growth over the RSS before the first step)',
    '',
    table(['workload', ...r.sides], body),
  ].join('\n')
}

const memoryTable = (r: Report): string | undefined => {
  const s = r.sizes.W5
  if (s === undefined) return undefined
  const mib = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(0))
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a === undefined || b === undefined || !(b > 0) ? '—' : `${(a / b).toFixed(2)}×`
  const body = r.sides.flatMap((side) => {
    const plain = find(r, 'W5', 'plain', side)
    return workloads.W5.variants.flatMap((v) => {
      const res = find(r, 'W5', v, side)
      if (res === undefined || !res.ok)
        return v === 'plain' && res !== undefined ? [[side, variantLabel(v, s), 'failed', '', '', '', '', '', '']] : []
      const base = plain?.ok === true ? plain : undefined
      const t = timeOf(res)
      return [
        [
          side,
          variantLabel(v, s),
          mib(res.peakRssMiB),
          mib(res.rssGrowthMiB),
          res.heldMiB === undefined ? '—' : mib(res.heldMiB),
          fmt((t ?? Number.NaN) / 1000),
          v === 'plain' ? '' : ratio(base?.peakRssMiB, res.peakRssMiB),
          v === 'plain' ? '' : ratio(base?.rssGrowthMiB, res.rssGrowthMiB),
          v === 'plain' ? '' : ratio(t, base === undefined ? undefined : timeOf(base)),
        ],
      ]
    })
  })
  return [
    `### W5 long-BPTT memory (L = ${s.L}, batch ${s.N}, hidden ${s.H}): each variant in a fresh process`,
    '',
    'Peak RSS = the process high-water mark (getrusage maxRSS); growth = peak minus the RSS just before the first',
    "step (what the step itself takes: the runtime, modules and data loaded before it are not counted); recur's",
    '"held" = heap + array buffers held between the forward and the backward pass, after GC (as',
    'packages/core/bench/ad.ts measures). All MiB; time in s (one step). The last three columns compare a',
    'checkpointed variant with plain BPTT on the same side: peak and growth cut by, time multiplied by.',
    '',
    table(['side', 'W5 variant', 'peak', 'growth', 'held', 's', 'peak ÷', 'growth ÷', 'time ×'], body),
  ].join('\n')
}

const lossesOf = (r: Report, w: WorkloadId, v: Variant, side: string): readonly number[] | undefined => {
  const res = find(r, w, v, side)
  return res?.ok === true ? res.losses : undefined
}

/** Loss before the first update and after one update, recur beside each peer that used the seeded weights. */
const sanity = (r: Report): string | undefined => {
  const lines: string[] = []
  const rel = (a: number, b: number): string => (Math.abs(a - b) / Math.max(Math.abs(a), 1e-30)).toExponential(1)
  for (const [w, v] of cases(r)) {
    if (workloads[w].kind !== 'train') continue
    const mine = lossesOf(r, w, v, 'recur')
    const [l0, l1] = mine ?? []
    if (l0 === undefined) continue
    const peers = r.sides.filter((s) => s === 'torch' || (s.startsWith('tfjs') && w === 'W1'))
    const parts = peers.flatMap((side) => {
      const [p0, p1] = lossesOf(r, w, v, side) ?? []
      if (p0 === undefined) return []
      const after =
        l1 === undefined || p1 === undefined ? '' : `, after one SGD step ${p1.toPrecision(7)} (rel. diff ${rel(l1, p1)})`
      return [`${side} ${p0.toPrecision(7)} (rel. diff ${rel(l0, p0)})${after}`]
    })
    if (parts.length === 0) continue
    const own = l1 === undefined ? '' : `, after one SGD step ${l1.toPrecision(7)}`
    lines.push(`- ${rowLabel(w, v, r.sizes[w] as Sizes)}: recur ${l0.toPrecision(7)}${own}; ${parts.join('; ')}`)
  }
  if (lines.length === 0) return undefined
  return [
    '### Sanity: MSE loss on identical seeded weights and inputs',
    '',
    ...lines,
    '',
    "(tfjs's LSTM has one bias vector, b_ih + b_hh, so its loss after an update differs by design; its GRU applies the",
    'reset gate before the matmul, so W2 is compared with torch only; brain.js builds its own weights.)',
  ].join('\n')
}

const gflopsOf = (r: Report, w: WorkloadId, side: string): number | undefined => {
  const t = timeOf(find(r, w, 'plain', side))
  const s = r.sizes[w]
  return t === undefined || s === undefined || w === 'W3' ? undefined : flopsOf(workloads[w], s) / (t / 1000) / 1e9
}

/**
 * What "at least 10× faster than tfjs-wasm" asks of this machine: for each workload, the GFLOP/s
 * that is (10 × tfjs-wasm's) beside the ceilings measured in the same run: M1's product on every
 * side (torch's is native BLAS) and SIMD128's arithmetic peak.
 */
const ceilings = (r: Report): string | undefined => {
  const m1 = r.sizes.M1
  const peakRow = find(r, 'M1', 'plain', 'recur-fast')
  // the peak of one thread, times recur-fast's threads (a split product runs on all of them)
  const perThread = peakRow?.ok === true ? peakRow.simdPeakGflops : undefined
  const peakThreads = peakRow?.ok === true ? peakRow.threads : 1
  const simd = perThread === undefined ? undefined : perThread * peakThreads
  if (m1 === undefined) return undefined
  const g = (x: number | undefined): string => (x === undefined ? '—' : fmt(x))
  const tops = r.sides.flatMap((side) => {
    const x = gflopsOf(r, 'M1', side)
    return x === undefined ? [] : [`${side} ${fmt(x)}`]
  })
  const native = gflopsOf(r, 'M1', 'torch')
  const body = cases(r)
    .filter(([w, v]) => v === 'plain' && workloads[w].kind !== 'product' && w !== 'W3')
    .flatMap(([w, v, s]) => {
      const peer = gflopsOf(r, w, 'tfjs-wasm')
      if (peer === undefined) return []
      const needed = 10 * peer
      const within = (limit: number | undefined): string =>
        limit === undefined ? '—' : needed <= limit ? `yes (${fmt(needed / limit)} of it)` : `no: ${fmt(needed / limit)}× it`
      return [[rowLabel(w, v, s), fmt(peer), fmt(needed), g(gflopsOf(r, w, 'recur-fast')), within(simd), within(native)]]
    })
  return [
    '### What "≥ 10× tfjs-wasm" asks of this machine (GFLOP/s, threads as above)',
    '',
    `Ceilings measured in this run: M1, one (${m1.L * m1.N}, ${m1.I}) · (${m1.I}, ${gates(m1) * m1.H}) product: ${tops.join(', ') || '—'}` +
      (native === undefined ? '' : ' (torch = native BLAS)') +
      `; WebAssembly SIMD128 arithmetic peak (register-only multiply and add chains, bench/assembly/peak.ts): ${g(perThread)}` +
      (peakThreads > 1 ? ` per thread, ${g(simd)} on recur-fast's ${peakThreads}.` : '.'),
    ...(body.length === 0
      ? []
      : [
          '',
          table(
            [
              'workload',
              'tfjs-wasm',
              '10× tfjs-wasm',
              'recur-fast',
              'within the SIMD128 peak?',
              'within native BLAS (torch M1)?',
            ],
            body,
          ),
        ]),
  ].join('\n')
}

/** The whole Markdown report. */
export const render = (r: Report): string => {
  const notes: string[] = []
  const times = timeTables(r, notes)
  const sizes = Object.entries(r.sizes).map(([w, s]) =>
    workloads[w as WorkloadId].kind === 'product'
      ? `- ${w} ${workloads[w as WorkloadId].title}: one float32 product (${s.L * s.N}, ${s.I}) · (${s.I}, ${gates(s) * s.H}), both row-major; ${(flopsOf(workloads[w as WorkloadId], s) / 1e9).toPrecision(3)} GFLOP`
      : `- ${w} ${workloads[w as WorkloadId].title}: ${s.mode}, input ${s.I}, hidden ${s.H}, batch ${s.N}, ${w === 'W3' ? 'steps' : 'sequence'} ${s.L}${s.O > 0 ? `, linear head to ${s.O} at every step` : ''}; ${(flopsOf(workloads[w as WorkloadId], s) / 1e9).toPrecision(3)} GFLOP`,
  )
  const unavailable = Object.entries(r.unavailable).map(([side, why]) => `- ${side}: ${why}`)
  return [
    `## recur side-by-side benchmark (float32)`,
    '',
    `Command: \`${r.command}\``,
    '',
    ...Object.entries(r.machine).map(([k, v]) => `- ${k}: ${v}`),
    '',
    times,
    '',
    peakTable(r),
    '',
    memoryTable(r) ?? '',
    '',
    sanity(r) ?? '',
    '',
    ceilings(r) ?? '',
    '',
    '### Workloads',
    '',
    ...sizes,
    '',
    'GFLOP/s = matmul FLOPs / median time: forward = 2·L·N·((I + H)·G·H + H·O) (G = 4 LSTM, 3 GRU), a training',
    'step = 3 × forward, M1 = 2·m·n·k; elementwise work is not counted.',
    ...(notes.length + unavailable.length > 0 ? ['', '### Notes', '', ...unavailable, ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n')
}
