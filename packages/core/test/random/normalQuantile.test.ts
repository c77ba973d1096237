/** Random.normalQuantile: known values of Φ⁻¹, symmetry and monotonicity. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import * as Random from '../../src/Random.js'

describe('normalQuantile', () => {
  it('normalQuantile matches known values of Φ⁻¹ in all three AS241 regions', () => {
    expect(Random.normalQuantile(0.5)).toBe(0)
    const cases: readonly (readonly [number, number])[] = [
      [0.7, 0.5244005127080407],
      [0.8413447460685429, 1],
      [0.975, 1.959963984540054],
      [0.025, -1.959963984540054],
      [1e-10, -6.361340902404056],
      [1e-20, -9.26234008979841],
    ]
    for (const [p, z] of cases) expect(Math.abs(Random.normalQuantile(p) - z)).toBeLessThan(1e-12 * Math.max(1, Math.abs(z)))
    expect(Random.normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY)
    expect(Random.normalQuantile(1)).toBe(Number.POSITIVE_INFINITY)
    expect(Random.normalQuantile(1.5)).toBeNaN()
  })

  test.prop([fc.double({ min: 1e-12, max: 0.5, noNaN: true }), fc.double({ min: 1e-300, max: 0.5, noNaN: true })])(
    'normalQuantile is odd about 1/2 and increasing',
    (p, q) => {
      expect(Random.normalQuantile(1 - p)).toBeCloseTo(-Random.normalQuantile(1 - (1 - p)), 6)
      if (p < q) expect(Random.normalQuantile(p)).toBeLessThanOrEqual(Random.normalQuantile(q))
    },
  )
})
