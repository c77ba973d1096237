/**
 * The child-process side of the benchmark protocol, for JavaScript sides (recur, tfjs, brain.js):
 * read the {@link Job} from argv, time the step, watch the RSS, print one JSON line. Progress goes
 * to stderr; stdout carries only the result.
 */
import type { ChildResult, Job } from './spec.js'

const MiB = 2 ** 20

/** The job given as the first argument (JSON). */
export const readJob = (): Job => {
  const arg = process.argv[2]
  if (arg === undefined) throw new Error('usage: <child> <job as JSON> (run the benchmark with bench/run.ts)')
  return JSON.parse(arg) as Job
}

/** Progress line on stderr, prefixed with the side's name. */
export const progress = (side: string, message: string): void => {
  process.stderr.write(`  [${side}] ${message}\n`)
}

/** Current and peak RSS of this process, in bytes. */
export const rss = (): { readonly now: number; readonly peak: number } => ({
  now: process.memoryUsage().rss,
  peak: process.resourceUsage().maxRSS * 1024,
})

/**
 * Times `step` (sync or async): `job.warmup` untimed calls, then up to `job.runs` timed ones,
 * stopping early once three are in and `job.budgetSeconds` have passed. `step` may return the
 * milliseconds it wants counted (to leave out measurement work it did itself); otherwise the wall
 * time of the call is counted.
 */
export const timeSteps = async (
  side: string,
  job: Job,
  step: () => number | undefined | Promise<number | undefined>,
): Promise<number[]> => {
  for (let i = 0; i < job.warmup; i++) {
    const t0 = performance.now()
    await step()
    progress(side, `${job.workload} warm-up ${i + 1}/${job.warmup}: ${(performance.now() - t0).toFixed(1)} ms`)
  }
  const samples: number[] = []
  const start = performance.now()
  for (let i = 0; i < job.runs; i++) {
    const t0 = performance.now()
    const counted = await step()
    const ms = counted ?? performance.now() - t0
    samples.push(ms)
    progress(side, `${job.workload} run ${i + 1}/${job.runs}: ${ms.toFixed(1)} ms`)
    if (samples.length >= 3 && performance.now() - start > job.budgetSeconds * 1000 && i < job.runs - 1) {
      progress(side, `${job.workload}: time budget of ${job.budgetSeconds} s spent, stopping after ${samples.length} runs`)
      break
    }
  }
  return samples
}

/** Prints the result line and exits (peers may hold handles open, e.g. wasm workers). */
export const finish = (result: ChildResult): never => {
  process.stdout.write(`${JSON.stringify(result)}\n`)
  process.exit(0)
}

/** Runs a child's `main`, turning any failure into an `ok: false` result. */
export const runChild = (main: (job: Job) => Promise<ChildResult>): void => {
  main(readJob()).then(finish, (e: unknown) =>
    finish({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  )
}

/** RSS fields of a result: peak and growth over `before` (bytes), in MiB. */
export const rssFields = (before: number): { readonly peakRssMiB: number; readonly rssGrowthMiB: number } => {
  const { peak } = rss()
  return { peakRssMiB: peak / MiB, rssGrowthMiB: (peak - before) / MiB }
}

/** Bytes to MiB. */
export const toMiB = (bytes: number): number => bytes / MiB
