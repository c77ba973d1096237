/**
 * Every kind of bad input gets a ShapeError naming the operation, the argument and the shapes.
 * The messages are pinned word for word: they are part of the user interface.
 */
import { cpu } from '@recur/backend-cpu'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu }
const z = (shape: number[], dtype: R.DType = 'float32') => R.zeros(shape, { backend: cpu, dtype })

const cases: readonly (readonly [string, () => unknown, string])[] = [
  [
    'wrong data length',
    () => R.fromFlat([1, 2, 3, 4, 5], [2, 3], o),
    "fromFlat: data has 5 elements but shape [2, 3] needs 6 (argument 'data'; shape [2, 3])",
  ],
  [
    'ragged nested arrays',
    () =>
      R.tensor(
        [
          [1, 2, 3],
          [4, 5],
        ],
        o,
      ),
    "tensor: ragged nested array: data[1] has length 2, expected 3 (as data[0]) (argument 'data'; inferred [2, 3])",
  ],
  [
    'a number where an array belongs',
    () => R.tensor([[1, 2], 3], o),
    "tensor: ragged nested array: data[1] is a number, expected an array of length 2 (argument 'data'; inferred [2, 2])",
  ],
  [
    'a non-number element',
    () => R.tensor(JSON.parse('[[1, "a"]]'), o),
    "tensor: ragged or invalid nested array: data[0][1] is a string, expected a number (argument 'data'; inferred [1, 2])",
  ],
  [
    'a non-finite dimension',
    () => R.zeros([2, Number.POSITIVE_INFINITY], o),
    "zeros: dimension 1 is Infinity; dimensions must be finite non-negative integers (argument 'shape'; shape [2, Infinity])",
  ],
  [
    'a negative dimension',
    () => R.zeros([2, -1], o),
    "zeros: dimension 1 is -1; dimensions must be finite non-negative integers (argument 'shape'; shape [2, -1])",
  ],
  [
    'a fractional dimension',
    () => R.ones([2.5, 3], o),
    "ones: dimension 0 is 2.5; dimensions must be finite non-negative integers (argument 'shape'; shape [2.5, 3])",
  ],
  [
    'incompatible broadcast',
    () => R.add(z([2, 3]), z([4])),
    "add: cannot broadcast a [2, 3] with b [4]: dimension -1 is 3 vs 4 (argument 'b'; a [2, 3], b [4])",
  ],
  [
    'matmul inner dimensions',
    () => R.matmul(z([2, 3]), z([4, 5])),
    "matmul: inner dimensions differ: a has 3 columns but b has 4 rows (argument 'b'; a [2, 3], b [4, 5])",
  ],
  [
    'matmul inner dimensions, transposed',
    () => R.matmul(z([2, 3]), z([4, 5]), { transposeA: true }),
    "matmul: inner dimensions differ: aᵀ has 2 columns but b has 4 rows (argument 'b'; a [2, 3], b [4, 5])",
  ],
  [
    'matmul batch dimensions',
    () => R.matmul(z([2, 2, 3]), z([3, 3, 5])),
    "matmul: batch dimensions [2] and [3] do not broadcast (argument 'b'; a [2, 2, 3], b [3, 3, 5])",
  ],
  [
    'an out-of-range axis',
    () => R.sum(z([2, 3]), { axes: 2 }),
    "sum: axis 2 is out of range for rank 2 (valid: -2 to 1) (argument 'axes'; x [2, 3])",
  ],
  [
    'a repeated axis',
    () => R.sum(z([2, 3]), { axes: [1, -1] }),
    "sum: axis -1 is repeated in [1, -1] (argument 'axes'; x [2, 3])",
  ],
  [
    'an out-of-range slice start',
    () => R.slice(z([4, 5]), [1, 6], [2, 1]),
    "slice: begin 6 is out of range [0, 5] on axis 1 (argument 'begin'; x [4, 5])",
  ],
  [
    'a slice past the end',
    () => R.slice(z([4, 5]), [3, 0], [2, -1]),
    "slice: size 2 from begin 3 runs past the end of axis 0 (length 4) (argument 'size'; x [4, 5])",
  ],
  [
    'mixed dtypes',
    () => R.mul(z([2]), z([2], 'float64')),
    "mul: mixed dtypes: a is float32 but b is float64; convert one with cast() (argument 'b'; a [2], b [2])",
  ],
  [
    'mixed dtypes in concat',
    () => R.concat([z([2]), z([2], 'float64')]),
    "concat: mixed dtypes: xs[0] is float32 but xs[1] is float64; convert one with cast() (argument 'xs[1]'; xs[0] [2], xs[1] [2])",
  ],
  [
    'a reshape to the wrong size',
    () => R.reshape(z([2, 3]), [4, 2]),
    "reshape: cannot reshape 6 elements into [4, 2] (8 elements) (argument 'shape'; x [2, 3])",
  ],
  [
    'concat of mismatched shapes',
    () => R.concat([z([2, 3]), z([2, 4])], 0),
    "concat: shape [2, 4] does not match xs[0] [2, 3] off axis 0 (argument 'xs[1]'; xs[0] [2, 3], xs[1] [2, 4])",
  ],
  [
    'an index out of range',
    () => R.gather(z([5, 3]), R.tensor([1, 7], o)),
    "gather: indices element 1 is 7; indices must be integers in [0, 5) (argument 'indices'; x [5, 3], indices [2])",
  ],
  [
    'a fractional index',
    () => R.oneHot(R.tensor([0.5], o), 3),
    "oneHot: indices element 0 is 0.5; indices must be integers in [0, 3) (argument 'indices'; indices [1])",
  ],
  [
    'a bad permutation',
    () => R.transpose(z([2, 3]), [0, 0]),
    "transpose: perm [0, 0] is not a permutation (argument 'perm'; x [2, 3])",
  ],
  [
    'a negative pad',
    () => R.pad(z([2]), [[1, -1]]),
    "pad: pads on axis 0 are [1, -1]; they must be non-negative integers (argument 'pads'; x [2])",
  ],
  [
    'an unknown dtype',
    () => R.zeros([2], { backend: cpu, dtype: 'int8' as R.DType }),
    "zeros: unknown dtype \"int8\"; expected 'float32' or 'float64' (argument 'options.dtype')",
  ],
  [
    'max over nothing',
    () => R.max(z([0, 3]), { axes: 0 }),
    "max: cannot take the max over an axis of size 0 (argument 'x'; x [0, 3])",
  ],
  [
    'squeeze of a non-unit axis',
    () => R.squeeze(z([2, 1]), [0]),
    "squeeze: axis 0 has size 2, not 1 (argument 'axes'; x [2, 1])",
  ],
  [
    'stack of unequal shapes',
    () => R.stack([z([2]), z([3])]),
    "stack: shape [3] differs from xs[0] [2] (argument 'xs[1]'; xs[0] [2], xs[1] [3])",
  ],
  [
    'broadcastTo a smaller shape',
    () => R.broadcastTo(z([2, 3]), [3]),
    "broadcastTo: x [2, 3] does not broadcast to [3] (argument 'shape'; x [2, 3], shape [3])",
  ],
  [
    'where with non-broadcasting cond',
    () => R.where(z([3]), z([2, 1]), z([4])),
    "where: cannot broadcast cond + a [2, 3] with b [4]: dimension -1 is 3 vs 4 (argument 'b'; cond + a [2, 3], b [4])",
  ],
  [
    'numbers only',
    () => Reflect.apply(R.add, undefined, [1, 2]),
    "add: at least one argument must be a tensor (numbers alone have no dtype or backend) (argument 'a, b')",
  ],
]

describe('bad input is rejected with a message naming op, argument and shapes', () => {
  it.each(cases)('%s', (_, run, message) => {
    expect(run).toThrow(R.ShapeError)
    expect(run).toThrow(message)
  })

  it('the error carries op, arg and shapes as data', () => {
    try {
      R.matmul(z([2, 3]), z([4, 5]))
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(R.ShapeError)
      if (e instanceof R.ShapeError) {
        expect([e.op, e.arg, e.shapes]).toEqual(['matmul', 'b', { a: [2, 3], b: [4, 5] }])
      }
    }
  })

  it('a constructor without a backend says how to get one', () => {
    expect(() => R.zeros([2])).toThrow(/no backend: pass \{ backend \}.*setDefaultBackend\(cpu\)/)
  })

  it('a backend that breaks the kernel contract is caught at the kernel', () => {
    const broken: R.Backend = { ...cpu, name: 'broken', unary: () => new Float64Array(1) }
    const x = R.zeros([2], { backend: broken })
    expect(() => R.exp(x)).toThrow(
      "backend 'broken' broke the kernel contract in 'exp': returned a Float64Array of 1 elements, expected float32 data of shape [2] (2 elements)",
    )
  })
})
