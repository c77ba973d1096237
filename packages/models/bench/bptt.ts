/**
 * Benchmark (not a test): one training step (forward + valueAndGrad) of the models layer, float32
 * on cpu, input 64, hidden 256, batch 32, seq 64; matmul timed apart. Median of 5 after 2 warm-ups.
 * Run: npx -y pnpm@10.34.9 bench:bptt
 */
import { cpu } from '@recur/backend-cpu'
import * as R from '@recur/core'
import { cellParams, config, initParams, projectInput, recur, run } from '../src/index.js'

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined)
let matmulMs = 0
const backend: R.Backend = {
  ...cpu,
  matmul: (a, b, ta, tb, out) => {
    const t0 = performance.now()
    const r = cpu.matmul(a, b, ta, tb, out)
    matmulMs += performance.now() - t0
    return r
  },
}
const o = { backend, dtype: 'float32' } as const
const [I, H, N, L] = [64, 256, 32, 64]
const which = process.argv.slice(2)
for (const [mode, extra] of [
  ['LSTM', {}],
  ['LSTM', { projSize: 128 }],
  ['GRU', {}],
  ['RNN_TANH', {}],
] as const) {
  const name = `${mode}${'projSize' in extra ? ' proj 128' : ''}`
  if (which.length > 0 && !which.some((w) => name.toLowerCase().startsWith(w))) continue
  const c = config({ mode, inputSize: I, hiddenSize: H, ...extra })
  const params = initParams(c, R.Random.key(0), o)
  const x = R.Random.normal(R.Random.key(1), [L, N, I], o)
  const layer = (p: typeof params) => R.mean(R.square(run(c, p, x).output))
  // what the layer did before: scan over the cell's recurrent part, BPTT through the tape
  const scanned = (p: typeof params) => {
    const q = cellParams(p, 0, 0)
    const h = R.zeros([N, c.projSize > 0 ? c.projSize : H], o)
    const init = mode === 'LSTM' ? { h, c: R.zeros([N, H], o) } : { h }
    return R.mean(R.square(R.scan(recur(c.mode, c.resetAfter, q), init, projectInput(q, x))[1]))
  }
  for (const [variant, loss] of [
    ['scan (tape BPTT)', scanned],
    ['layer', layer],
  ] as const) {
    const times: [number, number][] = []
    for (let k = 0; k < 7; k++) {
      collect()
      matmulMs = 0
      const t0 = performance.now()
      R.valueAndGrad(loss)(params)
      const t = performance.now() - t0
      if (k >= 2) times.push([t, matmulMs])
    }
    times.sort((a, b) => a[0] - b[0])
    const [t, m] = times[2] ?? [0, 0]
    process.stdout.write(
      `${name} ${variant}: training step ${t.toFixed(0)} ms, matmul ${m.toFixed(0)} ms (${((100 * m) / t).toFixed(0)}%), rest ${(t - m).toFixed(0)} ms\n`,
    )
  }
}
