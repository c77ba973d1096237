/**
 * brain.js's side of the benchmark, through its `recurrent.LSTMTimeStep` / `GRUTimeStep`
 * (hiddenLayers [H]; an output layer of I values per step, since brain.js predicts the next
 * array of a sequence, so O = I — true for W1's 64 → 64). What it can and cannot express:
 *
 * - W1/W2/W5: no mini-batches — `train(32 sequences, { iterations: 1 })` makes 32 updates of one
 *   sequence each, with brain.js's own update (RMSprop-like, clipped), not one SGD step; the
 *   matmul work equals one batch-32 step.
 * - W3: no step API — `run(sequence)` restarts from a zero state, so a stream is one `run` over
 *   the whole 1,000-step sequence (the same per-step work: batch 1, one step at a time).
 * - W4: 64 `run` calls of 128 steps (no batching).
 * - W5 checkpoint: not expressible (no checkpointing).
 * - M1: not expressible (no public matrix product).
 */
import brain from 'brain.js'
import { rss, rssFields, runChild, timeSteps } from '../child.js'
import { type ChildResult, type Job, type Sizes, seededArray, streams } from '../spec.js'

const side = 'brain.js'
const version = '1.6.1'

/** `N` sequences of `steps` arrays of `I` seeded values (from the `x` stream). */
const sequences = (s: Sizes, steps: number, count: number): number[][][] => {
  const v = seededArray(streams.x, steps * count * s.I, 1)
  return Array.from({ length: count }, (_, n) =>
    Array.from({ length: steps }, (_, t) => Array.from(v.subarray((t * count + n) * s.I, (t * count + n + 1) * s.I))),
  )
}

/** brain.js's default learning rate (0.01): its RMSprop-like rule diverges to NaN at the SGD rate 0.1 of the others. */
const network = (s: Sizes): brain.recurrent.RNNTimeStep => {
  const options = { inputSize: s.I, hiddenLayers: [s.H], outputSize: s.I }
  return s.mode === 'LSTM' ? new brain.recurrent.LSTMTimeStep(options) : new brain.recurrent.GRUTimeStep(options)
}

const train = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const net = network(s)
  const data = sequences(s, s.L + 1, s.N)
  const losses: number[] = []
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    const t0 = performance.now()
    try {
      losses.push(net.train(data, { iterations: 1, errorThresh: 0 }).error)
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      throw new Error(`${message} (train() failed after ${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    }
    return undefined
  })
  return {
    ok: true,
    samplesMs: samples,
    losses,
    ...rssFields(before),
    threads: 1,
    version,
    notes: [`${s.N} sequences at batch 1, ${s.N} updates of brain.js's own rule at its default rate 0.01`],
  }
}

const infer = async (job: Job): Promise<ChildResult> => {
  const s = job.sizes
  const net = network(s)
  const data = sequences(s, s.L, s.N)
  // run() needs bound equations, which only train() makes: one update on a two-step sequence
  net.train([data[0]?.slice(0, 2) ?? []], { iterations: 1, errorThresh: 0 })
  const before = rss().now
  const samples = await timeSteps(side, job, () => {
    for (const seq of data) {
      const out = net.run<number[] | null>(seq)
      if (out === null || out.length !== s.I) throw new Error(`brain.js run() returned ${JSON.stringify(out)}`)
    }
    return undefined
  })
  const note = job.workload === 'W3' ? 'one run() over the whole stream (no step API)' : `${s.N} run() calls at batch 1`
  return { ok: true, samplesMs: samples, ...rssFields(before), threads: 1, version, notes: [note] }
}

runChild(async (job) => {
  if (job.workload === 'W5' && job.variant !== 'plain')
    return { ok: false, skipped: true, error: 'brain.js has no gradient checkpointing' }
  switch (job.workload) {
    case 'W1':
    case 'W2':
    case 'W5':
      return train(job)
    case 'W3':
    case 'W4':
      return infer(job)
    case 'M1':
      return { ok: false, skipped: true, error: 'brain.js has no public matrix product' }
  }
})
