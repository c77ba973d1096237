/**
 * The matmul VJP when the right operand is one matrix broadcast over the left operand's batch (a
 * linear layer over a sequence): its cotangent is one product with the batch folded into the rows.
 * It must equal the sum over the batch of the per-entry products `op(A_i)ᵀ·C_i`, for both
 * transpose flags of B, batch ranks 1 and 2, B given as a matrix or with leading 1s, and batches
 * of size 0 and 1; the left operand's cotangent is unchanged. float64, tolerance 1e-12·scale
 * (the two differ only in summation order).
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { expect } from 'vitest'
import * as R from '../src/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
process.stdout.write(`matmul VJP with a broadcast right operand: seed ${seed}\n`)

const o = { backend: cpu, dtype: 'float64' } as const
const values = (shape: readonly number[], salt: number): R.Tensor =>
  R.fromFlat(
    Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => Math.sin(salt * 7919 + i * 104729 + 0.5)),
    shape,
    o,
  )

const worst = (a: R.Tensor, b: R.Tensor): number => {
  expect(a.shape).toEqual(b.shape)
  const [x, y] = [a.toTypedArray(), b.toTypedArray()]
  let w = 0
  for (let i = 0; i < x.length; i++) w = Math.max(w, Math.abs((x[i] ?? 0) - (y[i] ?? 0)) / Math.max(1, Math.abs(y[i] ?? 0)))
  return w
}

test.prop(
  [
    fc.record({
      batch: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
      m: fc.integer({ min: 1, max: 4 }),
      k: fc.integer({ min: 1, max: 5 }),
      n: fc.integer({ min: 1, max: 4 }),
      transposeB: fc.boolean(),
      leadingOnes: fc.boolean(),
      salt: fc.integer({ min: 1, max: 2 ** 20 }),
    }),
  ],
  { seed, numRuns: 100 },
)('equals the per-entry products summed over the batch', ({ batch, m, k, n, transposeB, leadingOnes, salt }) => {
  const a = values([...batch, m, k], salt)
  const matrix = transposeB ? [n, k] : [k, n]
  const b = values(leadingOnes ? [...batch.map(() => 1), ...matrix] : matrix, salt + 1)
  const ct = values([...batch, m, n], salt + 2)
  const [, pullback] = R.vjp((x: R.Tensor, y: R.Tensor) => R.matmul(x, y, { transposeB }), [a, b])
  const [ga, gb] = pullback(ct) as [R.Tensor, R.Tensor]
  // the definition: B's cotangent is Σ_i op(A_i)ᵀ·C_i, A's is C·op(B)ᵀ per entry
  const rows = batch.reduce((p, q) => p * q, 1)
  const as = R.unstack(R.reshape(a, [rows, m, k]))
  const cs = R.unstack(R.reshape(ct, [rows, m, n]))
  const bm = R.reshape(b, matrix)
  const per = as.map((ai, i) => {
    const ci = cs[i] as R.Tensor
    return transposeB ? R.matmul(ci, ai, { transposeA: true }) : R.matmul(ai, ci, { transposeA: true })
  })
  const expectB = per.reduce((acc, g) => R.add(acc, g), R.zeros(matrix, o))
  expect(worst(gb, R.reshape(expectB, b.shape))).toBeLessThanOrEqual(1e-12)
  const expectA = R.matmul(ct, bm, { transposeB: !transposeB })
  expect(worst(ga, expectA)).toBeLessThanOrEqual(1e-12)
})
