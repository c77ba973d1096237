import type { DType, Operand, ReadonlyData, Shape, UnaryOp } from '@recur/core'
import { describe, expect, it } from 'vitest'
import { reference as R } from '../src/reference.js'

const operand = (dtype: DType, shape: Shape, values: readonly number[]): Operand => ({
  shape,
  dtype,
  data: dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values),
})
const f64 = (shape: Shape, values: readonly number[]): Operand => operand('float64', shape, values)
const f32 = (shape: Shape, values: readonly number[]): Operand => operand('float32', shape, values)
const list = (data: ReadonlyData): number[] => Array.from({ length: data.length }, (_, i) => data[i] ?? -12345)

/** Asserts the class of the result and its values (NaN equals NaN; 0 and -0 are told apart). */
const expectF64 = (data: ReadonlyData, values: readonly number[]) => {
  expect(data).toBeInstanceOf(Float64Array)
  expect(list(data)).toEqual(values)
}
const expectF32 = (data: ReadonlyData, values: readonly number[]) => {
  expect(data).toBeInstanceOf(Float32Array)
  expect(list(data)).toEqual(values)
}

describe('reference', () => {
  it('is named reference', () => {
    expect(R.name).toBe('reference')
  })
})

describe('unary', () => {
  const cases: readonly (readonly [UnaryOp, readonly number[], readonly number[]])[] = [
    ['neg', [-2, 0.5, 3], [2, -0.5, -3]],
    ['abs', [-2, 0.5, -Infinity], [2, 0.5, Infinity]],
    ['sign', [-2, 0, 3, NaN], [-1, 0, 1, NaN]],
    ['square', [-3, 0.5], [9, 0.25]],
    ['sqrt', [4, 0.25, -1], [2, 0.5, NaN]],
    ['rsqrt', [4, 0.25, 0], [0.5, 2, Infinity]],
    ['reciprocal', [4, -0.5, 0], [0.25, -2, Infinity]],
    ['exp', [0, -Infinity], [1, 0]],
    ['expm1', [0, -Infinity], [0, -1]],
    ['log', [1, 0, -1], [0, -Infinity, NaN]],
    ['log1p', [0, -1], [0, -Infinity]],
    ['sin', [0], [0]],
    ['cos', [0], [1]],
    ['tanh', [0, 1000, -1000], [0, 1, -1]],
    ['sigmoid', [0, 1000, -1000], [0.5, 1, 0]],
    ['softplus', [1000, -1000], [1000, 0]],
    ['relu', [-1, 2, NaN], [0, 2, NaN]],
    ['floor', [-1.5, 1.5, 2], [-2, 1, 2]],
    ['ceil', [-1.5, 1.5, 2], [-1, 2, 2]],
  ]
  it.each(cases)('%s', (op, input, expected) => {
    expectF64(R.unary(op, f64([input.length], input)), expected)
  })

  it('transcendental functions at known points', () => {
    const close = (op: UnaryOp, x: number, y: number) => expect(R.unary(op, f64([], [x]))[0]).toBeCloseTo(y, 12)
    close('exp', 1, Math.E)
    close('log', Math.E, 1)
    close('log1p', Math.E - 1, 1)
    close('sin', Math.PI / 2, 1)
    close('cos', Math.PI, -1)
    close('tanh', Math.log(2), 0.6) // (4 - 1) / (4 + 1)
    close('sigmoid', Math.log(3), 0.75) // 1 / (1 + 1/3)
    close('sigmoid', -Math.log(3), 0.25)
    close('softplus', 0, Math.LN2)
    close('softplus', Math.log(3), Math.log(4))
    close('softplus', -Math.log(3), Math.log(4 / 3))
  })

  it('expm1 and log1p keep relative precision near 0 (e^x - 1 and log(1 + x) would not)', () => {
    // e^x - 1 = x + x²/2 + …, log(1 + x) = x - x²/2 + …; for x = 1e-10 the quadratic term is 5e-21.
    expect((R.unary('expm1', f64([], [1e-10]))[0] ?? 0) / 1.00000000005e-10).toBeCloseTo(1, 14)
    expect((R.unary('log1p', f64([], [1e-10]))[0] ?? 0) / 0.99999999995e-10).toBeCloseTo(1, 14)
  })

  it('keeps sigmoid and softplus finite far from 0', () => {
    expectF64(R.unary('sigmoid', f64([2], [800, -800])), [1, 0])
    expectF64(R.unary('softplus', f64([2], [800, -800])), [800, 0])
  })

  it('rounds halves to even', () => {
    const input = [0.5, 1.5, 2.5, -1.5, -2.5, 0.4, 0.6, -0.6, 2.5000001, 3, 1e300, NaN, Infinity]
    expectF64(R.unary('round', f64([input.length], input)), [0, 2, 2, -2, -2, 0, 1, -1, 3, 3, 1e300, NaN, Infinity])
    expect(Math.abs(R.unary('round', f64([], [-0.5]))[0] ?? 1)).toBe(0)
  })

  it('keeps the shape: scalars, matrices and size-0 dims', () => {
    expectF64(R.unary('neg', f64([], [2])), [-2])
    expectF64(R.unary('neg', f64([2, 2], [1, 2, 3, 4])), [-1, -2, -3, -4])
    expectF64(R.unary('neg', f64([0, 3], [])), [])
  })

  it('rounds float32 results', () => {
    expectF32(R.unary('reciprocal', f32([2], [3, 4])), [Math.fround(1 / 3), 0.25])
    expect(R.unary('reciprocal', f32([1], [3]))[0]).not.toBe(1 / 3)
  })

  it('does not write its input', () => {
    const x = f64([3], [-1, 0, 1])
    R.unary('neg', x)
    expect(list(x.data)).toEqual([-1, 0, 1])
  })
})

describe('binary', () => {
  it('computes each op on equal shapes', () => {
    const a = f64([4], [2, -3, 1, 4])
    const b = f64([4], [3, 2, 0, 0.5])
    expectF64(R.binary('add', a, b, [4]), [5, -1, 1, 4.5])
    expectF64(R.binary('sub', a, b, [4]), [-1, -5, 1, 3.5])
    expectF64(R.binary('mul', a, b, [4]), [6, -6, 0, 2])
    expectF64(R.binary('div', a, b, [4]), [2 / 3, -1.5, Infinity, 8])
    expectF64(R.binary('pow', a, b, [4]), [8, 9, 1, 2])
    expectF64(R.binary('maximum', a, b, [4]), [3, 2, 1, 4])
    expectF64(R.binary('minimum', a, b, [4]), [2, -3, 0, 0.5])
  })

  it('pow follows **', () => {
    expectF64(R.binary('pow', f64([3], [-8, 0, NaN]), f64([3], [1 / 3, 0, 0]), [3]), [NaN, 1, 1])
  })

  it('lets NaN win in maximum and minimum', () => {
    const a = f64([3], [1, NaN, 3])
    const b = f64([3], [2, 0, NaN])
    expectF64(R.binary('maximum', a, b, [3]), [2, NaN, NaN])
    expectF64(R.binary('minimum', a, b, [3]), [1, NaN, NaN])
  })

  it('broadcasts a trailing row, a column against a row, and scalars on either side', () => {
    const m = f64([2, 3], [1, 2, 3, 4, 5, 6])
    expectF64(R.binary('sub', m, f64([3], [1, 2, 3]), [2, 3]), [0, 0, 0, 3, 3, 3])
    expectF64(R.binary('sub', f64([3], [1, 2, 3]), m, [2, 3]), [0, 0, 0, -3, -3, -3])
    expectF64(R.binary('sub', f64([2, 1], [10, 20]), f64([1, 3], [1, 2, 3]), [2, 3]), [9, 8, 7, 19, 18, 17])
    expectF64(R.binary('div', f64([], [12]), f64([2], [3, 4]), [2]), [4, 3])
    expectF64(R.binary('div', f64([2], [3, 4]), f64([], [2]), [2]), [1.5, 2])
    expectF64(R.binary('add', f64([], [1]), f64([], [2]), []), [3])
  })

  it('broadcasts against a size-0 dim', () => {
    expectF64(R.binary('add', f64([0, 2], []), f64([2], [1, 2]), [0, 2]), [])
    expectF64(R.binary('add', f64([0, 1], []), f64([3], [1, 2, 3]), [0, 3]), [])
  })

  it('computes in float64 and rounds float32 results once', () => {
    const a = f32([1], [0.1])
    const b = f32([1], [0.2])
    expectF32(R.binary('add', a, b, [1]), [Math.fround(Math.fround(0.1) + Math.fround(0.2))])
    // 4097² = 16785409 needs 25 bits; float32 rounds the tie to the even neighbour 16785408.
    expectF32(R.binary('mul', f32([1], [4097]), f32([1], [4097]), [1]), [16785408])
  })
})

describe('compare', () => {
  const a = f64([4], [1, 2, 3, NaN])
  const b = f64([4], [2, 2, 2, NaN])
  it.each([
    ['equal', [0, 1, 0, 0]],
    ['notEqual', [1, 0, 1, 1]],
    ['less', [1, 0, 0, 0]],
    ['lessEqual', [1, 1, 0, 0]],
    ['greater', [0, 0, 1, 0]],
    ['greaterEqual', [0, 1, 1, 0]],
  ] as const)('%s', (op, expected) => {
    expectF64(R.compare(op, a, b, [4]), expected)
  })

  it('broadcasts and keeps the dtype', () => {
    expectF32(R.compare('less', f32([2, 1], [1, 3]), f32([3], [0, 2, 4]), [2, 3]), [0, 1, 1, 0, 0, 1])
    expectF64(R.compare('equal', f64([], [2]), f64([3], [1, 2, 2]), [3]), [0, 1, 1])
    expectF64(R.compare('equal', f64([0], []), f64([], [2]), [0]), [])
  })
})

describe('where', () => {
  it('picks a where cond is nonzero (NaN included) and b elsewhere', () => {
    const cond = f64([4], [1, 0, NaN, -0.5])
    expectF64(R.where(cond, f64([4], [1, 2, 3, 4]), f64([4], [5, 6, 7, 8]), [4]), [1, 6, 3, 4])
  })

  it('broadcasts all three and takes the dtype of a', () => {
    const cond = f32([2, 1], [1, 0])
    const a = f64([3], [1, 2, 3])
    const b = f64([], [9])
    expectF64(R.where(cond, a, b, [2, 3]), [1, 2, 3, 9, 9, 9])
    expectF32(R.where(f64([3], [0, 1, 0]), f32([], [0.1]), f32([2, 1], [7, 8]), [2, 3]), [
      7,
      Math.fround(0.1),
      7,
      8,
      Math.fround(0.1),
      8,
    ])
    expectF64(R.where(f64([0, 1], []), a, b, [0, 3]), [])
  })
})

describe('reduce', () => {
  const m = f64([2, 3], [1, 2, 3, 4, 5, 6])
  it('reduces a matrix over each axis and over both', () => {
    expectF64(R.reduce('sum', m, [0]), [5, 7, 9])
    expectF64(R.reduce('sum', m, [1]), [6, 15])
    expectF64(R.reduce('sum', m, [0, 1]), [21])
    expectF64(R.reduce('prod', m, [1]), [6, 120])
    expectF64(R.reduce('max', m, [0]), [4, 5, 6])
    expectF64(R.reduce('min', m, [1]), [1, 4])
  })

  it('reduces non-adjacent axes of a 3-d tensor', () => {
    // x[i, j, k] = 4i + 2j + k; over i and k: j = 0 → 0+1+4+5, j = 1 → 2+3+6+7.
    const x = f64([2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])
    expectF64(R.reduce('sum', x, [0, 2]), [10, 18])
    expectF64(R.reduce('max', x, [0, 2]), [5, 7])
    expectF64(R.reduce('sum', x, [1]), [2, 4, 10, 12])
  })

  it('copies over no axes, and reduces a scalar', () => {
    expectF64(R.reduce('sum', m, []), [1, 2, 3, 4, 5, 6])
    expectF64(R.reduce('prod', f64([], [7]), []), [7])
  })

  it('gives 0 for sum and 1 for prod over zero elements', () => {
    const empty = f64([2, 0], [])
    expectF64(R.reduce('sum', empty, [1]), [0, 0])
    expectF64(R.reduce('prod', empty, [1]), [1, 1])
    expectF64(R.reduce('sum', empty, [0]), [])
    expectF64(R.reduce('sum', empty, [0, 1]), [0])
  })

  it('lets NaN win in max and min wherever it is', () => {
    const x = f64([3, 2], [NaN, 1, 2, 3, 4, NaN])
    expectF64(R.reduce('max', x, [1]), [NaN, 3, NaN])
    expectF64(R.reduce('min', x, [1]), [NaN, 2, NaN])
    expectF64(R.reduce('max', x, [0]), [NaN, NaN])
    expectF64(R.reduce('max', f64([3], [-Infinity, -Infinity, -Infinity]), [0]), [-Infinity])
  })

  it('sums float32 in float64 before rounding', () => {
    // Adding 2^-24 to 1 in float32 rounds back to 1 each time; the exact sum 1 + 2^-23 is a float32.
    expectF32(R.reduce('sum', f32([3], [1, 2 ** -24, 2 ** -24]), [0]), [1 + 2 ** -23])
  })
})

describe('argReduce', () => {
  const m = f64([2, 3], [1, 3, 3, 5, 2, 0])
  it('finds the first largest or smallest along an axis', () => {
    expectF64(R.argReduce('argmax', m, 1), [1, 0])
    expectF64(R.argReduce('argmin', m, 1), [0, 2])
    expectF64(R.argReduce('argmax', m, 0), [1, 0, 0])
    expectF64(R.argReduce('argmin', m, 0), [0, 1, 1])
    expectF64(R.argReduce('argmin', f64([3], [2, 1, 1]), 0), [1])
  })

  it('returns the first NaN', () => {
    const x = f64([4], [1, NaN, 5, NaN])
    expectF64(R.argReduce('argmax', x, 0), [1])
    expectF64(R.argReduce('argmin', x, 0), [1])
    expectF64(R.argReduce('argmax', f64([3], [9, 0, NaN]), 0), [2])
  })

  it('handles the middle axis, size-0 kept dims and float32', () => {
    // x[i, j, k] = [[[0, 9], [5, 1]], [[3, 3], [3, 4]]]; along j.
    expectF32(R.argReduce('argmax', f32([2, 2, 2], [0, 9, 5, 1, 3, 3, 3, 4]), 1), [1, 0, 0, 1])
    expectF64(R.argReduce('argmax', f64([0, 3], []), 1), [])
    expectF64(R.argReduce('argmax', f64([1], [4]), 0), [0])
  })
})

describe('matmul', () => {
  // a = [[1, 2, 3], [4, 5, 6]], b = [[7, 8], [9, 10], [11, 12]], a·b = [[58, 64], [139, 154]].
  const a = f64([2, 3], [1, 2, 3, 4, 5, 6])
  const aT = f64([3, 2], [1, 4, 2, 5, 3, 6])
  const b = f64([3, 2], [7, 8, 9, 10, 11, 12])
  const bT = f64([2, 3], [7, 9, 11, 8, 10, 12])
  const product = [58, 64, 139, 154]

  it('multiplies matrices under each transpose flag', () => {
    expectF64(R.matmul(a, b, false, false, [2, 2]), product)
    expectF64(R.matmul(aT, b, true, false, [2, 2]), product)
    expectF64(R.matmul(a, bT, false, true, [2, 2]), product)
    expectF64(R.matmul(aT, bT, true, true, [2, 2]), product)
  })

  it('does not confuse the flags with a square transpose', () => {
    const s = f64([2, 2], [1, 2, 3, 4])
    const e = f64([2, 2], [0, 1, 0, 0]) // only e[0][1] = 1
    expectF64(R.matmul(s, e, false, false, [2, 2]), [0, 1, 0, 3])
    expectF64(R.matmul(s, e, true, false, [2, 2]), [0, 1, 0, 2])
    expectF64(R.matmul(s, e, false, true, [2, 2]), [2, 0, 4, 0])
    expectF64(R.matmul(e, s, true, true, [2, 2]), [0, 0, 1, 3])
  })

  it('broadcasts a batch dim of 1 on either side', () => {
    // batch 0 of a is the identity, batch 1 swaps rows; b = [[1, 2], [3, 4]] is shared.
    const a2 = f64([2, 2, 2], [1, 0, 0, 1, 0, 1, 1, 0])
    const b1 = f64([1, 2, 2], [1, 2, 3, 4])
    expectF64(R.matmul(a2, b1, false, false, [2, 2, 2]), [1, 2, 3, 4, 3, 4, 1, 2])
    // a = [[1, 2]] is shared; b's batches are the columns [1, 1], [2, 0], [0, 3].
    const a1 = f64([1, 1, 2], [1, 2])
    const b3 = f64([3, 2, 1], [1, 1, 2, 0, 0, 3])
    expectF64(R.matmul(a1, b3, false, false, [3, 1, 1]), [3, 2, 6])
    // Both broadcast: [2, 1] and [1, 3] batches give a [2, 3] batch of 1×1 products.
    const ac = f64([2, 1, 1, 1], [2, 3])
    const br = f64([1, 3, 1, 1], [1, 10, 100])
    expectF64(R.matmul(ac, br, false, false, [2, 3, 1, 1]), [2, 20, 200, 3, 30, 300])
  })

  it('gives zeros for k = 0 and nothing for m = 0', () => {
    expectF64(R.matmul(f64([2, 0], []), f64([0, 3], []), false, false, [2, 3]), [0, 0, 0, 0, 0, 0])
    expectF64(R.matmul(f64([0, 3], []), b, false, false, [0, 2]), [])
  })

  it('accumulates float32 in float64', () => {
    const ones = f32([1, 3], [1, 1, 1])
    const col = f32([3, 1], [1, 2 ** -24, 2 ** -24])
    expectF32(R.matmul(ones, col, false, false, [1, 1]), [1 + 2 ** -23])
  })
})

describe('transpose', () => {
  it('swaps the axes of a matrix', () => {
    expectF64(R.transpose(f64([2, 3], [1, 2, 3, 4, 5, 6]), [1, 0]), [1, 4, 2, 5, 3, 6])
  })

  it('reads output axis i from input axis perm[i]', () => {
    // x[i, 0, k] = 3i + k, shape [2, 1, 3]; out[k, i, 0] = x[i, 0, k], shape [3, 2, 1].
    expectF64(R.transpose(f64([2, 1, 3], [0, 1, 2, 3, 4, 5]), [2, 0, 1]), [0, 3, 1, 4, 2, 5])
    // x[i, j, k] = 12i + 4j + k, shape [2, 3, 4]; perm [1, 2, 0] gives out[j, k, i], shape [3, 4, 2].
    const x = f64(
      [2, 3, 4],
      Array.from({ length: 24 }, (_, n) => n),
    )
    const out = R.transpose(x, [1, 2, 0])
    expect(out.length).toBe(24)
    expect(out[1 * 8 + 2 * 2 + 1]).toBe(12 + 4 + 2) // out[1, 2, 1] = x[1, 1, 2]
    expect(out[0 * 8 + 3 * 2 + 0]).toBe(3) // out[0, 3, 0] = x[0, 0, 3]
    expect(out[2 * 8 + 1 * 2 + 1]).toBe(12 + 8 + 1) // out[2, 1, 1] = x[1, 2, 1]
  })

  it('handles scalars, size-0 dims and float32', () => {
    expectF64(R.transpose(f64([], [5]), []), [5])
    expectF64(R.transpose(f64([0, 2], []), [1, 0]), [])
    expectF32(R.transpose(f32([1, 2], [0.1, 2]), [1, 0]), [Math.fround(0.1), 2])
  })
})

describe('reshape', () => {
  it('keeps the elements and their order', () => {
    expectF64(R.reshape(f64([2, 3], [1, 2, 3, 4, 5, 6]), [3, 2]), [1, 2, 3, 4, 5, 6])
    expectF64(R.reshape(f64([1, 1], [7]), []), [7])
    expectF32(R.reshape(f32([2, 0], []), [0, 5]), [])
  })
})

describe('slice', () => {
  // x[i, j] = 4i + j, shape [3, 4].
  const x = f64(
    [3, 4],
    Array.from({ length: 12 }, (_, n) => n),
  )
  it('takes a block', () => {
    expectF64(R.slice(x, [1, 1], [2, 2]), [5, 6, 9, 10])
    expectF64(R.slice(x, [2, 0], [1, 4]), [8, 9, 10, 11])
    expectF64(R.slice(x, [0, 3], [3, 1]), [3, 7, 11])
  })

  it('handles empty blocks and scalars', () => {
    expectF64(R.slice(x, [3, 0], [0, 2]), [])
    expectF64(R.slice(f64([], [4]), [], []), [4])
  })
})

describe('pad', () => {
  it('surrounds with value on each side of each axis', () => {
    expectF64(
      R.pad(
        f64([2, 2], [1, 2, 3, 4]),
        [
          [1, 0],
          [0, 1],
        ],
        9,
      ),
      [9, 9, 9, 1, 2, 9, 3, 4, 9],
    )
    expectF64(R.pad(f64([2], [1, 2]), [[2, 1]], 0), [0, 0, 1, 2, 0])
  })

  it('pads size-0 dims and scalars, and rounds float32 value', () => {
    expectF64(R.pad(f64([0], []), [[1, 1]], 3), [3, 3])
    expectF64(
      R.pad(
        f64([0, 2], []),
        [
          [0, 0],
          [1, 1],
        ],
        3,
      ),
      [],
    )
    expectF64(R.pad(f64([], [6]), [], 0), [6])
    expectF32(R.pad(f32([1], [1]), [[0, 1]], 0.1), [1, Math.fround(0.1)])
  })
})

describe('concat', () => {
  it('joins along the first axis', () => {
    expectF64(R.concat([f64([1, 2], [1, 2]), f64([2, 2], [3, 4, 5, 6])], 0), [1, 2, 3, 4, 5, 6])
  })

  it('joins along the last axis, with a size-0 part', () => {
    const a = f64([2, 1], [1, 2])
    const b = f64([2, 2], [3, 4, 5, 6])
    const empty = f64([2, 0], [])
    expectF64(R.concat([a, empty, b], 1), [1, 3, 4, 2, 5, 6])
    expectF64(R.concat([b, a], 1), [3, 4, 1, 5, 6, 2])
  })

  it('copies one operand and keeps float32', () => {
    expectF32(R.concat([f32([2], [1, 2])], 0), [1, 2])
    expectF32(R.concat([f32([0], []), f32([0], [])], 0), [])
  })
})

describe('gather', () => {
  const x = f64([3, 2], [1, 2, 3, 4, 5, 6])
  it('takes rows', () => {
    expectF64(R.gather(x, f64([3], [2, 0, 2]), 0), [5, 6, 1, 2, 5, 6])
  })

  it('takes columns with 2-d indices, stored as float32', () => {
    // out[r, i, j] = x[r, idx[i, j]] with idx = [[1, 0], [1, 1]].
    expectF64(R.gather(x, f32([2, 2], [1, 0, 1, 1]), 1), [2, 1, 2, 2, 4, 3, 4, 4, 6, 5, 6, 6])
  })

  it('takes with a scalar index and with no indices', () => {
    expectF64(R.gather(x, f64([], [1]), 0), [3, 4])
    expectF64(R.gather(x, f64([], [1]), 1), [2, 4, 6])
    expectF64(R.gather(x, f64([0], []), 0), [])
    expectF32(R.gather(f32([2], [0.1, 7]), f64([1], [0]), 0), [Math.fround(0.1)])
  })
})

describe('scatterAdd', () => {
  it('adds rows at repeated indices', () => {
    expectF64(R.scatterAdd(f64([2, 2], [1, 2, 3, 4]), f64([2], [2, 2]), 0, [3, 2]), [0, 0, 0, 0, 4, 6])
  })

  it('adds along the last axis', () => {
    // row 0: [1, 2, 3] at columns [0, 2, 0] → [4, 0, 2]; row 1: [4, 5, 6] → [10, 0, 5].
    expectF64(R.scatterAdd(f64([2, 3], [1, 2, 3, 4, 5, 6]), f64([3], [0, 2, 0]), 1, [2, 3]), [4, 0, 2, 10, 0, 5])
  })

  it('is the transpose of gather with 2-d and scalar indices', () => {
    // updates[r, i, j] added at out[r, idx[i, j]], idx = [[1, 0], [1, 1]].
    const updates = f64([1, 2, 2], [1, 2, 3, 4])
    expectF64(R.scatterAdd(updates, f32([2, 2], [1, 0, 1, 1]), 1, [1, 3]), [2, 8, 0])
    expectF64(R.scatterAdd(f64([2], [5, 6]), f64([], [1]), 0, [2, 2]), [0, 0, 5, 6])
  })

  it('gives zeros with no updates', () => {
    expectF64(R.scatterAdd(f64([0, 2], []), f64([0], []), 0, [3, 2]), [0, 0, 0, 0, 0, 0])
  })

  it('accumulates float32 in float64', () => {
    const updates = f32([3], [1, 2 ** -24, 2 ** -24])
    expectF32(R.scatterAdd(updates, f64([3], [0, 0, 0]), 0, [1]), [1 + 2 ** -23])
  })
})

describe('oneHot', () => {
  it('sets 1 at each index in the requested dtype', () => {
    expectF32(R.oneHot(f64([3], [0, 2, 1]), 3, 'float32'), [1, 0, 0, 0, 0, 1, 0, 1, 0])
    expectF64(R.oneHot(f32([2, 1], [1, 0]), 2, 'float64'), [0, 1, 1, 0])
  })

  it('handles a scalar index, depth 0 and no indices', () => {
    expectF64(R.oneHot(f64([], [1]), 3, 'float64'), [0, 1, 0])
    expectF64(R.oneHot(f64([2], [0, 0]), 0, 'float64'), [])
    expectF64(R.oneHot(f64([0], []), 4, 'float64'), [])
  })
})

describe('cast', () => {
  it('rounds to float32 and widens exactly to float64', () => {
    expectF32(R.cast(f64([3], [0.1, 1 / 3, 1e40]), 'float32'), [Math.fround(0.1), Math.fround(1 / 3), Infinity])
    expectF64(R.cast(f32([2], [0.1, NaN]), 'float64'), [Math.fround(0.1), NaN])
    expectF64(R.cast(f64([], [0.1]), 'float64'), [0.1])
    expectF32(R.cast(f64([0, 2], []), 'float32'), [])
  })
})

describe('fill', () => {
  it('repeats the value rounded to the dtype', () => {
    expectF32(R.fill([2, 2], 'float32', 0.1), [Math.fround(0.1), Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)])
    expect(Math.fround(0.1)).not.toBe(0.1)
    expectF64(R.fill([3], 'float64', 0.1), [0.1, 0.1, 0.1])
    expectF64(R.fill([], 'float64', NaN), [NaN])
    expectF32(R.fill([2, 0], 'float32', 1), [])
  })
})

describe('inputs', () => {
  it('are never written', () => {
    const a = f64([2, 2], [4, 3, 2, 1])
    const i = f64([2], [1, 1])
    R.binary('add', a, a, [2, 2])
    R.reduce('sum', a, [0, 1])
    R.matmul(a, a, true, true, [2, 2])
    R.transpose(a, [1, 0])
    R.concat([a, a], 0)
    R.gather(a, i, 0)
    R.scatterAdd(a, i, 0, [2, 2])
    expect(list(a.data)).toEqual([4, 3, 2, 1])
    expect(list(i.data)).toEqual([1, 1])
  })
})
