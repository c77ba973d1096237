/**
 * TensorFlow.js's side of the benchmark (backend `cpu`, `wasm`, or `node` when tfjs-node
 * installed), one workload per process, written the way a tfjs user would:
 *
 * - W1/W2/W5: a `tf.sequential` of `tf.layers.lstm`/`gru` (`returnSequences`, sigmoid recurrent
 *   activation as PyTorch; tfjs's GRU applies the reset gate before the matmul, the only variant
 *   it supports) and a `dense` head, `meanSquaredError`, `tf.train.sgd`, `trainOnBatch`. The LSTM
 *   gets the seeded weights in tfjs's layout (kernel = W_ihᵀ, recurrent kernel = W_hhᵀ, bias =
 *   b_ih + b_hh; tfjs's gate order i, f, c, o is PyTorch's), so its W1 loss equals recur's.
 *   Inputs are batch-first, as tfjs-layers wants. No checkpointing exists in tfjs (W5 plain only).
 * - W3: `tf.basicLSTMCell`, the fused core op, one `(1, I)` input at a time inside `tf.tidy`.
 * - W4: the LSTM layer's `predict`.
 * - M1: `tf.matMul(x, W)` and `dataSync`, one product (`W = tf.transpose(W_ih)`, before timing:
 *   tfjs-wasm's matMul with `transposeB` ran at 2 GFLOP/s here, without it at 27).
 */
import * as tf from '@tensorflow/tfjs'
import * as wasm from '@tensorflow/tfjs-backend-wasm'
import { progress, rss, rssFields, runChild, timeSteps } from '../child.js'
import { type ChildResult, type Job, type Sizes, type StreamName, shapeOf, valuesOf } from '../spec.js'

const seeded = (s: Sizes, name: StreamName): tf.Tensor => tf.tensor(valuesOf(s, name), [...shapeOf(s, name)], 'float32')

/** Selects the backend; returns the thread count it runs with. */
const setUp = async (job: Job): Promise<number> => {
  const backend = job.backend ?? 'cpu'
  if (backend === 'wasm') wasm.setThreadsCount(job.threads)
  const nodeBinding = '@tensorflow/tfjs-node' // optional: absent when its install failed
  if (backend === 'node') await import(nodeBinding)
  const name = backend === 'node' ? 'tensorflow' : backend
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend ${name} did not initialise`)
  await tf.ready()
  if (backend === 'wasm') return wasm.getThreadsCount()
  return backend === 'cpu' ? 1 : job.threads
}

/** `(L, N, ·)` seeded values as tfjs-layers' batch-first `(N, L, ·)`. */
const batchFirst = (s: Sizes, name: 'x' | 'y'): tf.Tensor => tf.tidy(() => tf.transpose(seeded(s, name), [1, 0, 2]))

/** The recurrent layer with PyTorch's activations. */
const recurrent = (s: Sizes) => {
  // zeros: the seeded weights replace them (tfjs's default orthogonal init of 1024×256 is slow)
  const args = {
    units: s.H,
    returnSequences: true,
    inputShape: [s.L, s.I],
    recurrentActivation: 'sigmoid' as const,
    kernelInitializer: 'zeros' as const,
    recurrentInitializer: 'zeros' as const,
  }
  return s.mode === 'LSTM' ? tf.layers.lstm(args) : tf.layers.gru(args)
}

/** The seeded weights in tfjs's layout; GRU's gates are reordered from r, z, n to z, r, h. */
const recurrentWeights = (s: Sizes): tf.Tensor[] =>
  tf.tidy(() => {
    const [wi, wh, bi, bh] = (['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const).map((n) => seeded(s, n)) as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor,
    ]
    if (s.mode === 'LSTM') return [tf.transpose(wi), tf.transpose(wh), tf.add(bi, bh)]
    const zrh = (t: tf.Tensor): tf.Tensor => {
      const [r, z, n] = tf.split(t, 3, 0) as [tf.Tensor, tf.Tensor, tf.Tensor]
      return tf.concat([z, r, n], 0)
    }
    return [tf.transpose(zrh(wi)), tf.transpose(zrh(wh)), zrh(bi)]
  })

const train = async (job: Job, threads: number): Promise<ChildResult> => {
  const s = job.sizes
  const model = tf.sequential()
  const rnn = recurrent(s)
  model.add(rnn)
  const dense = tf.layers.dense({ units: s.O })
  model.add(dense)
  rnn.setWeights(recurrentWeights(s))
  dense.setWeights([tf.transpose(seeded(s, 'head_w')), seeded(s, 'head_b')])
  model.compile({ optimizer: tf.train.sgd(job.learningRate), loss: 'meanSquaredError' })
  const x = batchFirst(s, 'x')
  const y = batchFirst(s, 'y')
  const losses: number[] = []
  const before = rss().now
  const samples = await timeSteps(`tfjs-${job.backend}`, job, async () => {
    const loss = await model.trainOnBatch(x, y).catch((e: unknown) => {
      const m = tf.memory()
      const held = `${(m.numBytes / 2 ** 30).toFixed(2)} GiB in ${m.numTensors} tensors`
      throw new Error(`${e instanceof Error ? e.message : String(e)} (tfjs memory when it failed: ${held})`)
    })
    losses.push(typeof loss === 'number' ? loss : (loss[0] ?? Number.NaN))
    return undefined
  })
  const notes = s.mode === 'GRU' ? ['GRU with the reset gate before the matmul (tfjs supports no other)'] : []
  return { ok: true, samplesMs: samples, losses, ...rssFields(before), threads, version: tf.version_core, notes }
}

const stream = async (job: Job, threads: number): Promise<ChildResult> => {
  const s = job.sizes
  const kernel = tf.tidy(() => tf.concat([tf.transpose(seeded(s, 'weight_ih')), tf.transpose(seeded(s, 'weight_hh'))], 0))
  const bias = tf.tidy(() => tf.add(seeded(s, 'bias_ih'), seeded(s, 'bias_hh')))
  const forget = tf.scalar(0)
  const all = valuesOf(s, 'x')
  const xs = Array.from({ length: s.L }, (_, t) => tf.tensor2d(all.subarray(t * s.I, (t + 1) * s.I), [1, s.I]))
  const before = rss().now
  const samples = await timeSteps(`tfjs-${job.backend}`, job, () => {
    let c = tf.zeros([1, s.H]) as tf.Tensor2D
    let h = tf.zeros([1, s.H]) as tf.Tensor2D
    for (const x of xs) {
      const [c1, h1] = tf.tidy(() => tf.basicLSTMCell(forget, kernel as tf.Tensor2D, bias as tf.Tensor1D, x, c, h))
      c.dispose()
      h.dispose()
      c = c1
      h = h1
    }
    h.dataSync()
    c.dispose()
    h.dispose()
    return undefined
  })
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: tf.version_core, notes: ['tf.basicLSTMCell'] }
}

const infer = async (job: Job, threads: number): Promise<ChildResult> => {
  const s = job.sizes
  const model = tf.sequential()
  const rnn = recurrent(s)
  model.add(rnn)
  rnn.setWeights(recurrentWeights(s))
  const x = batchFirst(s, 'x')
  const before = rss().now
  const samples = await timeSteps(`tfjs-${job.backend}`, job, () => {
    const out = model.predict(x)
    for (const t of Array.isArray(out) ? out : [out]) t.dispose()
    return undefined
  })
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: tf.version_core, notes: ['layers.lstm predict'] }
}

const product = async (job: Job, threads: number): Promise<ChildResult> => {
  const s = job.sizes
  const x = tf.reshape(seeded(s, 'x'), [s.L * s.N, s.I])
  const w = tf.transpose(seeded(s, 'weight_ih'))
  const before = rss().now
  const samples = await timeSteps(`tfjs-${job.backend}`, job, () => {
    const out = tf.matMul(x, w)
    out.dataSync()
    out.dispose()
    return undefined
  })
  return { ok: true, samplesMs: samples, ...rssFields(before), threads, version: tf.version_core, notes: ['tf.matMul'] }
}

runChild(async (job) => {
  if (job.workload === 'W5' && job.variant !== 'plain')
    return { ok: false, skipped: true, error: 'tfjs has no gradient checkpointing' }
  const threads = await setUp(job)
  progress(`tfjs-${job.backend}`, `backend ${tf.getBackend()}, ${threads} thread(s)`)
  switch (job.workload) {
    case 'W1':
    case 'W2':
    case 'W5':
      return train(job, threads)
    case 'W3':
      return stream(job, threads)
    case 'W4':
      return infer(job, threads)
    case 'M1':
      return product(job, threads)
  }
})
