import { matmul, mul, Random, stopGradient, sum, type Tensor, tanh } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { gradcheck } from '../../src/laws/gradcheck.js'
import { reference } from '../../src/reference.js'

const o = { backend: reference, dtype: 'float64' } as const
const params = { w: Random.normal(Random.key(1), [3, 4], o), b: Random.normal(Random.key(2), [4], o) }
const x = Random.normal(Random.key(3), [2, 3], o)
const layer = (p: typeof params, input: Tensor) => tanh(matmul(input, p.w))

describe('gradcheck', () => {
  it('passes a correct scalar loss over a parameter tree and the input', () => {
    const report = gradcheck((p: typeof params, input: Tensor) => sum(mul(layer(p, input), p.b)), [params, x])
    expect(report.ok, report.message).toBe(true)
    expect(report.checked).toBe(12 + 4 + 6)
    expect(report.message).toMatch(/^gradcheck passed on 22 entries; worst args\[/)
  })

  it('handles tree-valued outputs through a random cotangent', () => {
    const report = gradcheck((p: typeof params) => ({ h: layer(p, x), s: [sum(p.b)] }), [params])
    expect(report.ok, report.message).toBe(true)
  })

  it('finds a wrong gradient and names the worst entry', () => {
    // stopGradient hides half of d/dx (x·x): reverse mode says x, the truth is 2x
    const report = gradcheck((v: Tensor) => sum(mul(v, stopGradient(v))), [x])
    expect(report.ok).toBe(false)
    expect(report.worst?.path).toMatch(/^args\[0\]\[\d, \d\]$/)
    expect(report.worst?.numeric).toBeCloseTo(2 * (report.worst?.analytic ?? Number.NaN), 6)
  })

  it('can sample entries of large inputs', () => {
    const big = Random.normal(Random.key(4), [50, 40], o)
    expect(gradcheck((v: Tensor) => sum(tanh(v)), [big], { maxEntriesPerLeaf: 25 }).checked).toBe(25)
  })

  it('needs float64', () => {
    expect(() => gradcheck((v: Tensor) => sum(v), [Random.normal(Random.key(1), [2], { backend: reference })])).toThrow(
      'gradcheck: args[0] is float32; finite differences need float64 inputs (cast them first)',
    )
  })
})
