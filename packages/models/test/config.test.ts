import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { config, decodeConfig, paramShapes } from '../src/index.js'

describe('config', () => {
  it('fills PyTorch defaults', () => {
    expect(config({ mode: 'GRU', inputSize: 3, hiddenSize: 4 })).toEqual({
      mode: 'GRU',
      inputSize: 3,
      hiddenSize: 4,
      numLayers: 1,
      bias: true,
      batchFirst: false,
      dropout: 0,
      bidirectional: false,
      projSize: 0,
      resetAfter: true,
    })
  })

  it('rejects bad values with their path', () => {
    const r = decodeConfig({ mode: 'LSTM', inputSize: 3, hiddenSize: 0 })
    expect(E.isLeft(r) && r.left.join('\n')).toContain('hiddenSize: PositiveInt')
    const m = decodeConfig({ mode: 'lstm', inputSize: 3, hiddenSize: 4 })
    expect(E.isLeft(m) && m.left.join('\n')).toContain(
      'Invalid value "lstm" supplied to : RNNConfig/0: { mode: "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU"',
    )
    expect(decodeConfig({ mode: 'GRU', inputSize: 3, hiddenSize: 4, dropout: 1 })).toSatisfy(E.isLeft)
  })

  it('rejects unknown options and inconsistent ones', () => {
    expect(decodeConfig({ mode: 'GRU', inputSize: 3, hiddenSize: 4, hidden_size: 4 })).toEqual(
      E.left([
        'RNNConfig/hidden_size: unknown option (known: mode, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, projSize, resetAfter)',
      ]),
    )
    expect(decodeConfig({ mode: 'GRU', inputSize: 3, hiddenSize: 4, projSize: 2 })).toEqual(
      E.left(['RNNConfig/projSize: 2 is only supported for LSTM (mode is GRU)']),
    )
    expect(() => config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4, projSize: 4 })).toThrow(
      'projSize: 4 must be smaller than hiddenSize 4',
    )
  })

  it('lists parameters with PyTorch state_dict names and shapes, in order', () => {
    const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2 })
    expect(paramShapes(c).slice(0, 6)).toEqual([
      ['weight_ih_l0', [16, 3]],
      ['weight_hh_l0', [16, 2]],
      ['bias_ih_l0', [16]],
      ['bias_hh_l0', [16]],
      ['weight_hr_l0', [2, 4]],
      ['weight_ih_l0_reverse', [16, 3]],
    ])
    expect(paramShapes(c).find(([n]) => n === 'weight_ih_l1')?.[1]).toEqual([16, 4])
    expect(paramShapes(config({ mode: 'GRU', inputSize: 3, hiddenSize: 4, bias: false })).map(([n]) => n)).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
    ])
  })
})
