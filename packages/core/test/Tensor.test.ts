import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o64 = { backend: cpu, dtype: 'float64' } as const

describe('constructors', () => {
  it('tensor infers the shape of nested arrays; a number is a scalar', () => {
    const t = R.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      o64,
    )
    expect([t.shape, t.dtype, t.rank, t.size]).toEqual([[2, 3], 'float64', 2, 6])
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    const s = R.tensor(7, o64)
    expect([s.shape, s.item(), s.toArray()]).toEqual([[], 7, 7])
    expect(R.tensor([], o64).shape).toEqual([0])
    expect(R.tensor([[], []], o64).shape).toEqual([2, 0])
  })

  it('float32 is the default dtype and values are rounded to it', () => {
    const t = R.tensor([0.1], { backend: cpu })
    expect(t.dtype).toBe('float32')
    expect(t.item()).toBe(Math.fround(0.1))
  })

  test.prop([fc.array(fc.double({ noNaN: false }), { maxLength: 24 })])(
    'fromFlat and toFlat round-trip float64 exactly',
    (values) => {
      expect(R.fromFlat(values, [values.length], o64).toFlat()).toEqual(values)
    },
  )

  it('fromTypedArray takes the dtype from the array and copies it', () => {
    const src = Float32Array.from([1, 2, 3, 4])
    const t = R.fromTypedArray(src, [2, 2], { backend: cpu })
    src[0] = 99
    expect([t.dtype, t.toArray()]).toEqual([
      'float32',
      [
        [1, 2],
        [3, 4],
      ],
    ])
  })

  it('zeros, ones, full, arange, eye', () => {
    expect(R.zeros([2], o64).toFlat()).toEqual([0, 0])
    expect(R.ones([2, 1], o64).toArray()).toEqual([[1], [1]])
    expect(R.full([3], 2.5, o64).toFlat()).toEqual([2.5, 2.5, 2.5])
    expect(R.arange(4, undefined, 1, o64).toFlat()).toEqual([0, 1, 2, 3])
    expect(R.arange(1, 2, 0.25, o64).toFlat()).toEqual([1, 1.25, 1.5, 1.75])
    expect(R.arange(3, 0, -1, o64).toFlat()).toEqual([3, 2, 1])
    expect(R.arange(0, 0, 1, o64).shape).toEqual([0])
    expect(R.eye(2, 3, o64).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ])
    expect(R.zerosLike(R.eye(2, 2, o64)).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ])
    expect(R.zeros([0, 4], o64).size).toBe(0)
  })

  it('setDefaultBackend supplies the backend when none is given', () => {
    R.setDefaultBackend(cpu)
    expect(R.zeros([1]).backend).toBe(cpu)
  })
})

describe('immutability', () => {
  it('the input array is copied: changing it later does not change the tensor', () => {
    const src = [1, 2, 3]
    const t = R.fromFlat(src, [3], o64)
    src[0] = 100
    expect(t.toFlat()).toEqual([1, 2, 3])
  })

  it('readers return copies', () => {
    const t = R.tensor([1, 2], o64)
    const flat = t.toFlat()
    flat[0] = 9
    const typed = t.toTypedArray()
    typed[1] = 9
    expect(t.toFlat()).toEqual([1, 2])
  })

  it('the tensor object and its shape are frozen', () => {
    const t = R.tensor([[1, 2]], o64)
    expect(Object.isFrozen(t)).toBe(true)
    expect(Object.isFrozen(t.shape)).toBe(true)
    expect(() => {
      ;(t.shape as number[])[0] = 5
    }).toThrow(TypeError)
  })

  it('operations return new tensors and leave their inputs unchanged', () => {
    const a = R.tensor([1, 2, 3], o64)
    const b = R.neg(a)
    expect(b).not.toBe(a)
    expect(a.toFlat()).toEqual([1, 2, 3])
    expect(b.toFlat()).toEqual([-1, -2, -3])
  })
})

describe('readers', () => {
  it('item needs exactly one element', () => {
    expect(R.tensor([[5]], o64).item()).toBe(5)
    expect(() => R.tensor([1, 2], o64).item()).toThrow('item: tensor of shape [2] has 2 elements, not 1')
  })

  it('toString shows dtype, shape and values, one row per line', () => {
    expect(
      String(
        R.tensor(
          [
            [0.5, -1e-7],
            [123456789, Number.NaN],
          ],
          o64,
        ),
      ),
    ).toBe('Tensor(float64 [2, 2])\n[[0.5000, -1.0000e-7],\n [123456789., NaN]]')
    expect(String(R.tensor(3, o64))).toBe('Tensor(float64 [])\n3.')
  })

  it('toString elides the middle of tensors with more than 1,000 elements', () => {
    const text = String(R.reshape(R.arange(2000, undefined, 1, o64), [40, 50]))
    expect(text.split('\n')).toHaveLength(8)
    expect(text).toContain('[0., 1., 2., …, 47., 48., 49.]')
    expect(text).toContain(' …,\n')
    expect(text).not.toContain('1000.')
    expect(String(R.arange(1000, undefined, 1, o64))).not.toContain('…')
  })
})
