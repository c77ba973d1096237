/**
 * Clipping: by global norm (exactly `maxNorm` above it, unchanged below, the norm reported,
 * NaN/∞ rejected on request) and by value.
 */
import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { fromFlat, type Tensor, Tree, tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { adam, chain, clipByGlobalNorm, clipByValue, globalNorm, lastGlobalNorm } from '../../src/optim/index.js'

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31))
const numRuns = Number(process.env.FC_RUNS ?? 100)
process.stdout.write(`clip properties: seed ${seed}, ${numRuns} runs\n`)

const f64 = (data: number[]) => tensor(data, { dtype: 'float64', backend: cpu })
const f32 = (data: number[]) => tensor(data, { dtype: 'float32', backend: cpu })

describe('globalNorm', () => {
  it('is √(Σ g²) over every leaf, in float64, whatever the leaves’ dtypes', () => {
    const n = globalNorm({ a: f64([3]), b: [f32([4, 12]), undefined] })
    expect(n.dtype).toBe('float64')
    expect(n.item()).toBe(13)
  })
})

describe('clipByGlobalNorm', () => {
  const grads = { w: f64([3, 4]), b: f64([12]) } // norm 13

  it('scales to exactly maxNorm when above it and reports the norm before clipping', () => {
    const clip = clipByGlobalNorm(6.5)
    const [u, s] = clip.update(grads, clip.init(grads))
    expect(u.w.toFlat()).toEqual([1.5, 2])
    expect(u.b.toFlat()).toEqual([6])
    expect(s.globalNorm.item()).toBe(13)
    expect(globalNorm(u).item()).toBe(6.5)
  })

  it('leaves gradients at or below maxNorm unchanged (the same tensors)', () => {
    const clip = clipByGlobalNorm(13)
    const [u, s] = clip.update(grads, clip.init(grads))
    expect(u.w).toBe(grads.w)
    expect(u.b).toBe(grads.b)
    expect(s.globalNorm.item()).toBe(13)
  })

  it('can be found in a chained state by lastGlobalNorm', () => {
    const opt = chain(clipByGlobalNorm(1), adam(0.1))
    const [, state] = opt.update(grads, opt.init(grads), grads)
    expect(lastGlobalNorm(state)).toBe(13)
    expect(lastGlobalNorm(adam(0.1).init(grads))).toBeUndefined()
  })

  it('fails on NaN or ∞ when asked, naming the first bad leaf; otherwise makes every update NaN', () => {
    const bad = { a: f64([1, 2]), b: { c: f64([3, Number.NaN]) } }
    const strict = clipByGlobalNorm(1, { errorOnNonFinite: true })
    expect(() => strict.update(bad, strict.init(bad))).toThrow(
      /global norm of the gradients is NaN; the first non-finite gradient is grads.b.c/,
    )
    const inf = { a: f64([Number.POSITIVE_INFINITY]) }
    expect(() => strict.update(inf, strict.init(inf))).toThrow(/is Infinity; .* grads.a/)
    const lax = clipByGlobalNorm(1)
    const [u] = lax.update(bad, lax.init(bad))
    expect(
      Tree.leaves(u)
        .flatMap((l) => l.toFlat())
        .every(Number.isNaN),
    ).toBe(true)
  })

  const trees = fc
    .tuple(
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 0, maxLength: 6 }),
      fc.double({ min: 0.01, max: 200, noNaN: true }),
    )
    .map(([a, b, maxNorm]) => ({ a, b, maxNorm }))

  test.prop([trees], { seed, numRuns })(
    'the clipped norm is min(norm, maxNorm) and the direction is kept',
    ({ a, b, maxNorm }) => {
      const g: { readonly a: Tensor; readonly b: Tensor } = {
        a: fromFlat(a, [a.length], { dtype: 'float64', backend: cpu }),
        b: fromFlat(b, [b.length], { dtype: 'float64', backend: cpu }),
      }
      const norm = Math.hypot(...a, ...b)
      const clip = clipByGlobalNorm(maxNorm)
      const [u, s] = clip.update(g, clip.init(g))
      expect(Math.abs(s.globalNorm.item() - norm)).toBeLessThanOrEqual(1e-13 * Math.max(1, norm))
      expect(Math.abs(globalNorm(u).item() - Math.min(norm, maxNorm))).toBeLessThanOrEqual(1e-13 * Math.max(1, maxNorm))
      const scale = norm > maxNorm ? maxNorm / norm : 1
      const got = [...u.a.toFlat(), ...u.b.toFlat()]
      for (const [i, v] of [...a, ...b].entries()) {
        expect(Math.abs((got[i] ?? 0) - v * scale)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(v)))
      }
    },
  )
})

describe('clipByValue', () => {
  it('clamps every element into [min, max]', () => {
    const [u] = clipByValue(-1, 0.5).update({ w: f64([-3, 0.2, 7]) }, {})
    expect(u.w.toFlat()).toEqual([-1, 0.2, 0.5])
  })

  it('rejects min > max', () => {
    expect(() => clipByValue(1, -1)).toThrow(/clipByValue: min must be ≤ max/)
  })
})
