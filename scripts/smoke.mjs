// Smoke test of the compiled ESM output: plain Node (no TypeScript loader, no source condition)
// imports every package's dist/ and computes something. This catches what tsc and vitest cannot,
// such as directory imports ('fp-ts/Either') that fail only under Node's ESM resolver.
import assert from 'node:assert/strict'

const core = await import('../packages/core/dist/index.js')
const { cpu } = await import('../packages/backend-cpu/dist/index.js')
await import('../packages/testing/dist/index.js')
await import('../packages/models/dist/index.js')

const a = core.tensor(
  [
    [1, 2],
    [3, 4],
  ],
  { backend: cpu, dtype: 'float64' },
)
const b = core.matmul(a, core.transpose(a))
assert.deepEqual(b.toArray(), [
  [5, 11],
  [11, 25],
])
// Large enough for backend-cpu's WebAssembly kernel, loaded from packages/backend-cpu/wasm/.
const ones = core.ones([16, 16], { backend: cpu })
assert.deepEqual(core.matmul(ones, ones).toArray()[3], new Array(16).fill(16))
assert.equal(core.sum(core.tanh(core.zeros([3], { backend: cpu }))).item(), 0)
assert.throws(() => core.add(a, core.zeros([3], { backend: cpu, dtype: 'float64' })), core.ShapeError)
console.log('smoke: compiled ESM of @recur/core, backend-cpu, testing and models loads and computes')
