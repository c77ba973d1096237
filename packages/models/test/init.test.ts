import { cpu } from '@recur/backend-cpu'
import { matmul, mul, Random, slice, type Tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { config, identity, initParams, orthogonal, paramShapes, xavierNormal, xavierUniform } from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const k = Random.key(42)
const maxOffIdentity = (g: Tensor): number => {
  const n = g.shape[0] ?? 0
  return g.toFlat().reduce((m, v, i) => Math.max(m, Math.abs(v - (Math.floor(i / n) === i % n ? 1 : 0))), 0)
}

describe('initialisers', () => {
  it('orthogonal gives orthonormal columns (tall) or rows (wide)', () => {
    const tall = orthogonal(k, [40, 7], 1, o)
    expect(maxOffIdentity(matmul(tall, tall, { transposeA: true }))).toBeLessThan(1e-13)
    const wide = orthogonal(k, [5, 30], 1, o)
    expect(maxOffIdentity(matmul(wide, wide, { transposeB: true }))).toBeLessThan(1e-13)
    const scaled = orthogonal(k, [16, 16], 2, o) // gain 2: QᵀQ = 4I
    expect(maxOffIdentity(mul(matmul(scaled, scaled, { transposeA: true }), 0.25))).toBeLessThan(1e-13)
    expect(orthogonal(k, [16, 16], 1, o).toFlat()).toEqual(orthogonal(k, [16, 16], 1, o).toFlat())
  })

  it('orthogonal stays orthonormal for large matrices', () => {
    const q = orthogonal(k, [512, 512], 1, o)
    const cols = slice(q, [0, 0], [512, 8]) // spot-check a few columns against all others
    expect(maxOffIdentity(matmul(cols, cols, { transposeA: true }))).toBeLessThan(1e-12)
    expect(
      Math.max(
        ...matmul(q, cols, { transposeA: true })
          .toFlat()
          .map((v, i) => Math.abs(v - (Math.floor(i / 8) === i % 8 ? 1 : 0))),
      ),
    ).toBeLessThan(1e-12)
  })

  it('xavier has the Glorot variance and bound', () => {
    const u = xavierUniform(k, [300, 200], 1, o).toFlat()
    const a = Math.sqrt(6 / 500)
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(a)
    const n = xavierNormal(k, [300, 200], 1, o).toFlat()
    const variance = n.reduce((s, v) => s + v * v, 0) / n.length
    expect(Math.abs(variance / (2 / 500) - 1)).toBeLessThan(0.02) // 60,000 samples: relative s.e. of a variance ≈ 0.6%
  })

  it('identity is gain·I and refuses non-square shapes', () => {
    expect(identity([2, 2], 0.5, o).toArray()).toEqual([
      [0.5, 0],
      [0, 0.5],
    ])
    expect(() => identity([2, 3], 1, o)).toThrow('identity: the identity initialiser needs a square matrix')
  })
})

describe('initParams schemes', () => {
  const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true })
  it('defaults to PyTorch: every parameter within ±1/√H, deterministic per key', () => {
    const p = initParams(c, k, o)
    for (const [name, shape] of paramShapes(c)) {
      expect(p[name]?.shape).toEqual(shape)
      expect(Math.max(...(p[name]?.toFlat() ?? []).map(Math.abs))).toBeLessThanOrEqual(0.5)
    }
    expect(initParams(c, k, o).weight_hh_l1?.toFlat()).toEqual(p.weight_hh_l1?.toFlat())
  })

  it('orthogonal recurrent blocks, zero biases and a forget-gate bias of 1', () => {
    const p = initParams(c, k, { ...o, scheme: { recurrentWeights: 'orthogonal', bias: 'zeros', forgetBias: 1 } })
    for (let g = 0; g < 4; g++) {
      const block = slice(p.weight_hh_l0 as Tensor, [4 * g, 0], [4, 4])
      expect(maxOffIdentity(matmul(block, block, { transposeA: true }))).toBeLessThan(1e-13)
    }
    expect(p.bias_ih_l0?.toFlat()).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    expect(p.bias_hh_l0?.toFlat().every((v) => v === 0)).toBe(true)
  })

  it('IRNN: identity recurrent weights for a ReLU RNN', () => {
    const irnn = config({ mode: 'RNN_RELU', inputSize: 2, hiddenSize: 3 })
    const p = initParams(irnn, k, { ...o, scheme: { recurrentWeights: 'identity', bias: 'zeros' } })
    expect(p.weight_hh_l0?.toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ])
  })
})
