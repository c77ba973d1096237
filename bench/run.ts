/**
 * The side-by-side benchmark of issue #7: recur against TensorFlow.js (cpu, wasm, node), brain.js
 * and PyTorch, each workload of bench/spec.ts in a fresh child process per side (so memory peaks
 * are per process and one crash does not end the run). Progress on stderr, the Markdown report on
 * stdout, the raw results in bench/results/latest.json.
 *
 *   npx -y pnpm@10.34.9 bench [--workloads W1,W3] [--runs 5] [--rounds 3] [--threads 1] [--quick]
 *                             [--sides recur,recur-fast,torch,tfjs-wasm,tfjs-cpu,tfjs-node,brain.js]
 *                             [--budget 60] [--timeout 30] [--python /usr/bin/python3]
 *   npx -y pnpm@10.34.9 bench --render bench/results/latest.json   # re-render a saved run's report
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type ChildResult, type Job, learningRate, type Sizes, type WorkloadId, workloadIds, workloads } from './spec.js'
import { type Report, type Row, render } from './table.js'

const bench = dirname(fileURLToPath(import.meta.url))
const root = dirname(bench)
const peersDir = join(bench, 'peers')
const resultsDir = join(bench, 'results')
const allSides = ['recur', 'recur-fast', 'torch', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-node', 'brain.js'] as const
type Side = (typeof allSides)[number]

const say = (message: string): void => {
  process.stderr.write(`${message}\n`)
}

const { values: flags } = parseArgs({
  options: {
    workloads: { type: 'string', default: workloadIds.join(',') },
    sides: { type: 'string', default: allSides.join(',') },
    runs: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    budget: { type: 'string', default: '60' },
    timeout: { type: 'string', default: '30' },
    python: { type: 'string' },
    quick: { type: 'boolean', default: false },
    render: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (flags.help) {
  say(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] ?? '')
  process.exit(0)
}
// --render <results.json>: the report of an earlier run, from its raw results, without running anything
if (flags.render !== undefined) {
  const file = flags.render
  const saved = ((): Report => {
    try {
      return JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
      say(`bench --render: cannot read ${file} as a saved run (${e instanceof Error ? e.message : String(e)})`)
      process.exit(1)
    }
  })()
  if (!Array.isArray(saved.rows) || !Array.isArray(saved.sides) || typeof saved.sizes !== 'object') {
    say(`bench --render: ${file} is not a bench/results file (it needs rows, sides and sizes)`)
    process.exit(1)
  }
  process.stdout.write(render(saved))
  process.exit(0)
}
const positive = (name: string, text: string): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bench: --${name} must be a positive integer, got '${text}'`)
  return n
}
const pick = <T extends string>(name: string, text: string, known: readonly T[]): T[] =>
  text.split(',').map((w) => {
    const t = w.trim()
    if (!(known as readonly string[]).includes(t)) throw new RangeError(`bench: --${name} has '${t}'; known: ${known.join(', ')}`)
    return t as T
  })
const chosen = pick<WorkloadId>('workloads', flags.workloads, workloadIds)
const sides = pick<Side>('sides', flags.sides, allSides)
const runs = positive('runs', flags.runs)
const rounds = positive('rounds', flags.rounds)
const threads = positive('threads', flags.threads)
const budgetSeconds = positive('budget', flags.budget)
const timeoutMs = positive('timeout', flags.timeout) * 60_000

/** Installs bench/peers on first use; returns the sides that cannot run, with the reason. */
const ensurePeers = (): Record<string, string> => {
  const modules = join(peersDir, 'node_modules')
  const status = join(modules, '.tfjs-node-status')
  if (!existsSync(modules)) {
    const log = join(resultsDir, 'peers-install.log')
    say(`installing the peers: npm ci --prefix bench/peers (log: ${relative(root, log)})`)
    const r = spawnSync('npm', ['ci', '--prefix', peersDir, '--no-audit', '--no-fund', '--foreground-scripts'], {
      encoding: 'utf8',
      timeout: 15 * 60_000,
    })
    const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`
    writeFileSync(log, text)
    if (r.status !== 0) {
      const why = `npm ci --prefix bench/peers failed (exit ${r.status}; see ${relative(root, log)})`
      return { 'tfjs-wasm': why, 'tfjs-cpu': why, 'tfjs-node': why, 'brain.js': why }
    }
    if (!existsSync(join(modules, '@tensorflow', 'tfjs-node'))) {
      const cause = /getaddrinfo \w+|\bE(?:CONNREFUSED|TIMEDOUT|NETUNREACH|AI_AGAIN|CONNRESET)\b/.exec(text)?.[0] ?? 'see the log'
      writeFileSync(
        status,
        `not installed: its install script downloads a prebuilt libtensorflow binary, which failed here (${cause}); npm skipped the optional dependency`,
      )
    }
  }
  if (existsSync(join(modules, '@tensorflow', 'tfjs-node'))) return {}
  return { 'tfjs-node': existsSync(status) ? readFileSync(status, 'utf8') : 'not installed (optional dependency skipped by npm)' }
}

/** The first Python that imports torch, and its versions; or why there is none. */
const findTorch = (): { python: string; probe: Record<string, string | null> } | string => {
  const tried = [flags.python, process.env.RECUR_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (p): p is string => p !== undefined && p !== '',
  )
  for (const python of tried) {
    const r = spawnSync(python, [join(bench, 'torch_bench.py'), '--probe'], { encoding: 'utf8', timeout: 120_000 })
    if (r.status === 0) return { python, probe: JSON.parse(r.stdout) as Record<string, string | null> }
  }
  return `PyTorch not found (tried ${tried.join(', ')}); apt-get install -y python3-torch libopenblas0-pthread`
}

const nodeArgs = ['--import', 'tsx']
const commandOf = (side: Side, python: string): [string, string[], NodeJS.ProcessEnv] => {
  const threadEnv = { OMP_NUM_THREADS: `${threads}`, OPENBLAS_NUM_THREADS: `${threads}`, MKL_NUM_THREADS: `${threads}` }
  switch (side) {
    case 'recur':
    case 'recur-fast':
      return [
        process.execPath,
        // compiled by the bench script (bench/tsconfig.recur.json): plain node, no TypeScript loader in the process
        ['--expose-gc', join(root, '.bench', 'recur.js')],
        side === 'recur-fast' ? { RECUR_BENCH_BACKEND: 'cpuFast' } : {},
      ]
    case 'torch':
      return [python, [join(bench, 'torch_bench.py')], threadEnv]
    case 'brain.js':
      return [process.execPath, [...nodeArgs, join(peersDir, 'brain.ts')], {}]
    default:
      return [process.execPath, [...nodeArgs, join(peersDir, 'tfjs.ts')], {}]
  }
}

const runChildProcess = (side: Side, job: Job, python: string): ChildResult => {
  const [cmd, args, env] = commandOf(side, python)
  const r = spawnSync(cmd, [...args, JSON.stringify(job)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: timeoutMs,
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, ...env },
  })
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(last) as ChildResult
  } catch {
    const why = r.error?.message ?? (r.signal === null ? `exit ${r.status}` : `killed by ${r.signal}`)
    return { ok: false, error: `${side} child printed no result (${why})` }
  }
}

/** The workspace's generated WASM kernels, when it has a step that builds them (a no-op when fresh). */
const buildWasm = (): void => {
  const script = join(root, 'scripts', 'build-wasm.mjs')
  if (!existsSync(script)) return
  const r = spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error(`bench: node scripts/build-wasm.mjs failed (exit ${r.status})`)
}

/** Compiles bench/assembly/peak.ts (SIMD128's arithmetic peak, M1 on recur-fast) to .bench/peak.wasm. */
const buildPeak = (): void => {
  const asc = join(root, 'packages', 'backend-cpu', 'node_modules', 'assemblyscript', 'bin', 'asc.js')
  const source = join(bench, 'assembly', 'peak.ts')
  const out = join(root, '.bench', 'peak.wasm')
  if (existsSync(out) && statSync(out).mtimeMs > statSync(source).mtimeMs) return
  mkdirSync(dirname(out), { recursive: true })
  const flags = ['--enable', 'simd', '-O3', '--runtime', 'stub', '--noAssert', '--outFile', out]
  const r = spawnSync(process.execPath, [asc, source, ...flags], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error(`bench: compiling ${relative(root, source)} failed (exit ${r.status})`)
}

/**
 * One side's rounds as one result: every timed run, the first round's losses and notes, the
 * highest memory figures; the first failure when a round failed (or a skip).
 */
const merged = (results: readonly ChildResult[]): ChildResult => {
  const failed = results.find((r) => !r.ok)
  if (failed !== undefined) return failed
  const ok = results.flatMap((r) => (r.ok ? [r] : []))
  const [first] = ok
  if (first === undefined) return { ok: false, error: 'no result' }
  const most = (f: (r: (typeof ok)[number]) => number | undefined): number | undefined => {
    const xs = ok.flatMap((r) => {
      const x = f(r)
      return x === undefined ? [] : [x]
    })
    return xs.length === 0 ? undefined : Math.max(...xs)
  }
  const held = most((r) => r.heldMiB)
  const peak = most((r) => r.simdPeakGflops)
  return {
    ...first,
    samplesMs: ok.flatMap((r) => r.samplesMs),
    peakRssMiB: most((r) => r.peakRssMiB) ?? first.peakRssMiB,
    rssGrowthMiB: most((r) => r.rssGrowthMiB) ?? first.rssGrowthMiB,
    ...(held === undefined ? {} : { heldMiB: held }),
    ...(peak === undefined ? {} : { simdPeakGflops: peak }),
  }
}

const main = (): void => {
  mkdirSync(resultsDir, { recursive: true })
  if (sides.some((s) => s.startsWith('recur'))) buildWasm()
  if (sides.includes('recur-fast') && chosen.includes('M1')) buildPeak()
  const unavailable: Record<string, string> = {}
  if (sides.some((s) => s.startsWith('tfjs') || s === 'brain.js')) Object.assign(unavailable, ensurePeers())
  const torch = sides.includes('torch') ? findTorch() : undefined
  if (typeof torch === 'string') unavailable.torch = torch
  const python = typeof torch === 'object' ? torch.python : 'python3'
  const active = sides.filter((s) => unavailable[s] === undefined)
  for (const [s, why] of Object.entries(unavailable)) if (sides.includes(s as Side)) say(`skipping ${s}: ${why}`)
  const sizes: Partial<Record<WorkloadId, Sizes>> = {}
  const rows: Row[] = []
  const loadBefore = os.loadavg().map((l) => l.toFixed(2))
  for (const w of chosen) {
    const spec = workloads[w]
    const s = flags.quick ? spec.quick : spec.full
    sizes[w] = s
    // the sides take turns, `rounds` times (W5: once, a run is a minute), each turn a fresh child
    // with its share of the timed runs: on a shared machine a slow phase (here speeds halved for
    // seconds, in one process and not the next) then falls on every side, not on one
    const turns = w === 'W5' ? 1 : rounds
    for (const variant of spec.variants) {
      const results = new Map<Side, ChildResult[]>()
      for (let turn = 0; turn < turns; turn++) {
        for (const side of active) {
          // a side that failed or cannot run this workload is not tried again (a timeout costs minutes)
          if ((results.get(side) ?? []).some((r) => !r.ok)) continue
          const backend = side.startsWith('tfjs-') ? side.slice('tfjs-'.length) : undefined
          const job: Job = {
            workload: w,
            variant,
            sizes: s,
            warmup: spec.warmup,
            runs: Math.ceil((spec.runs ?? runs) / turns),
            budgetSeconds,
            threads,
            learningRate,
            ...(backend === undefined ? {} : { backend }),
          }
          const round = turns > 1 ? ` (round ${turn + 1}/${turns})` : ''
          say(`${w} ${spec.title}${spec.variants.length > 1 ? ` (${variant})` : ''}: ${side}${round}`)
          const result = runChildProcess(side, job, python)
          if (!result.ok) say(`  ${side}: ${result.error.split('\n')[0]}`)
          results.set(side, [...(results.get(side) ?? []), result])
        }
      }
      for (const side of active) rows.push({ workload: w, variant, side, result: merged(results.get(side) ?? []) })
    }
  }
  const probe = typeof torch === 'object' ? torch.probe : undefined
  const cpus = os.cpus()
  const machine: Record<string, string> = {
    cpu: `${cpus[0]?.model ?? 'unknown'} (${cpus.length} logical cores), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    rounds: `${rounds} per workload (W5: 1): the sides take turns, each turn a fresh process with its share of the timed runs; medians over all of them`,
    threads: `${threads} per side (torch.set_num_threads, tfjs-wasm setThreadsCount, recur-fast cpuFastWith({ threads }); recur, tfjs-cpu and brain.js are single-threaded)`,
    node: process.version,
    torch:
      probe === undefined
        ? 'not run'
        : `${probe.torch} (${python}), OPENBLAS_CORETYPE=${process.env.OPENBLAS_CORETYPE ?? 'unset'}, OPENBLAS_L2_SIZE=${process.env.OPENBLAS_L2_SIZE ?? 'unset'}`,
    'load average': `${loadBefore.join(' ')} at the start, ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end (a shared machine: compare ratios within one run)`,
    date: new Date().toISOString(),
  }
  const report: Report = {
    command: ['npx -y pnpm@10.34.9 bench', ...process.argv.slice(2)].join(' '),
    machine,
    sides: sides.filter((s) => s !== 'tfjs-node' || unavailable[s] === undefined),
    unavailable,
    sizes,
    rows,
  }
  const out = join(resultsDir, 'latest.json')
  writeFileSync(out, `${JSON.stringify({ ...report, torchConfig: probe?.config ?? null }, null, 2)}\n`)
  say(`raw results: ${relative(root, out)}`)
  process.stdout.write(render(report))
}

main()
