/**
 * Shape semantics of the public operations (the kernels themselves are compared with the reference
 * backend in @recur/backend-cpu's tests).
 */
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const t = (data: R.Nested) => R.tensor(data, o)

describe('elementwise', () => {
  it('numbers adopt the dtype of their tensor partner, on either side', () => {
    expect(R.sub(10, t([1, 2])).toFlat()).toEqual([9, 8])
    expect(R.div(t([1, 2]), 2).toFlat()).toEqual([0.5, 1])
    expect(R.sub(R.tensor([1], { backend: cpu }), 0.1).dtype).toBe('float32')
  })

  it('broadcasting follows NumPy: [3, 1] with [4] gives [3, 4]', () => {
    const r = R.add(t([[0], [10], [20]]), t([1, 2, 3, 4]))
    expect(r.shape).toEqual([3, 4])
    expect(r.toArray()).toEqual([
      [1, 2, 3, 4],
      [11, 12, 13, 14],
      [21, 22, 23, 24],
    ])
  })

  it('comparisons give 0/1 and where selects', () => {
    const m = R.greater(t([1, 5, 3]), 2)
    expect(m.toFlat()).toEqual([0, 1, 1])
    expect(R.where(m, t([1, 5, 3]), 0).toFlat()).toEqual([0, 5, 3])
    expect(R.clip(t([-2, 0.5, 9]), 0, 1).toFlat()).toEqual([0, 0.5, 1])
  })
})

describe('reductions', () => {
  const x = t([
    [1, 2, 3],
    [4, 5, 6],
  ])
  it('reduce all axes by default, or the given ones, with keepDims', () => {
    expect(R.sum(x).shape).toEqual([])
    expect(R.sum(x).item()).toBe(21)
    expect(R.sum(x, { axes: 0 }).toFlat()).toEqual([5, 7, 9])
    expect(R.max(x, { axes: -1, keepDims: true }).toArray()).toEqual([[3], [6]])
    expect(R.mean(x, { axes: [0, 1], keepDims: true }).shape).toEqual([1, 1])
    expect(R.mean(x, { axes: 1 }).toFlat()).toEqual([2, 5])
    expect(R.prod(x, { axes: 1 }).toFlat()).toEqual([6, 120])
    expect(R.min(x, { axes: [] }).shape).toEqual([2, 3])
  })

  it('argmax and argmin return indices along an axis', () => {
    expect(
      R.argmax(
        t([
          [1, 9, 9],
          [7, 2, 0],
        ]),
      ).toFlat(),
    ).toEqual([1, 0])
    expect(
      R.argmin(
        t([
          [1, 9, 9],
          [7, 2, 0],
        ]),
        0,
        true,
      ).toArray(),
    ).toEqual([[0, 1, 1]])
  })

  it('sum over an empty axis is 0 and mean is NaN', () => {
    expect(R.sum(R.zeros([0, 2], o), { axes: 0 }).toFlat()).toEqual([0, 0])
    expect(R.mean(R.zeros([0], o)).item()).toBeNaN()
  })
})

describe('matmul', () => {
  const a = t([
    [1, 2, 3],
    [4, 5, 6],
  ])
  it('multiplies matrices, with transpose flags', () => {
    expect(R.matmul(a, t([[1], [0], [1]])).toArray()).toEqual([[4], [10]])
    expect(R.matmul(a, a, { transposeB: true }).toArray()).toEqual([
      [14, 32],
      [32, 77],
    ])
    expect(R.matmul(a, a, { transposeA: true }).shape).toEqual([3, 3])
  })

  it('promotes 1-D arguments and removes the promoted dimension, as NumPy', () => {
    expect(R.matmul(a, t([1, 1, 1])).shape).toEqual([2])
    expect(R.matmul(t([1, 1]), a).toFlat()).toEqual([5, 7, 9])
    expect(R.matmul(t([1, 2]), t([3, 4])).shape).toEqual([])
  })

  it('broadcasts batch dimensions', () => {
    const batch = R.reshape(R.arange(12, undefined, 1, o), [2, 1, 2, 3])
    expect(R.matmul(batch, R.ones([4, 3, 5], o)).shape).toEqual([2, 4, 2, 5])
    expect(R.matmul(R.ones([7, 2, 3], o), R.ones([3, 4], o)).shape).toEqual([7, 2, 4])
  })
})

describe('movement', () => {
  const x = R.reshape(R.arange(6, undefined, 1, o), [2, 3])
  it('reshape infers one -1', () => {
    expect(R.reshape(x, [-1]).shape).toEqual([6])
    expect(R.reshape(x, [3, -1]).toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ])
  })

  it('transpose defaults to reversing the axes', () => {
    expect(R.transpose(x).toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ])
  })

  it('slice, pad, concat, stack, expandDims, squeeze, broadcastTo', () => {
    expect(R.slice(x, [0, 1], [-1, 2]).toArray()).toEqual([
      [1, 2],
      [4, 5],
    ])
    expect(R.pad(t([1, 2]), [[1, 2]], -1).toFlat()).toEqual([-1, 1, 2, -1, -1])
    expect(R.concat([x, x], 1).shape).toEqual([2, 6])
    expect(R.stack([t([1, 2]), t([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ])
    expect(R.expandDims(x, -1).shape).toEqual([2, 3, 1])
    expect(R.squeeze(R.zeros([1, 2, 1], o)).shape).toEqual([2])
    expect(R.broadcastTo(t([1, 2]), [2, 2]).toArray()).toEqual([
      [1, 2],
      [1, 2],
    ])
  })
})

describe('indexing and casting', () => {
  it('gather looks rows up; scatterAdd accumulates them back', () => {
    const table = t([
      [0, 1],
      [10, 11],
      [20, 21],
    ])
    const idx = t([
      [2, 0],
      [2, 2],
    ])
    const g = R.gather(table, idx)
    expect(g.shape).toEqual([2, 2, 2])
    expect(g.toArray()).toEqual([
      [
        [20, 21],
        [0, 1],
      ],
      [
        [20, 21],
        [20, 21],
      ],
    ])
    expect(R.scatterAdd(R.ones([2, 2, 2], o), idx, 0, [3, 2]).toArray()).toEqual([
      [1, 1],
      [0, 0],
      [3, 3],
    ])
  })

  it('oneHot and cast', () => {
    expect(R.oneHot(t([2, 0]), 3).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ])
    expect(R.oneHot(t([1]), 2, 'float32').dtype).toBe('float32')
    const c = R.cast(t([0.1]), 'float32')
    expect([c.dtype, c.item()]).toEqual(['float32', Math.fround(0.1)])
  })
})
