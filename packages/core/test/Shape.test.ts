import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { Shapes } from '../src/index.js'

const dim = fc.integer({ min: 0, max: 5 })
const shape = fc.array(dim, { maxLength: 5 })

/** A shape and a second shape that broadcasts with it: each aligned dim is kept, set to 1, or dropped on the left. */
const broadcastPair = shape.chain((s) =>
  fc
    .tuple(fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))
    .map(([drop, ones]) => [s, s.slice(drop).map((d, i) => (ones[i + drop] === true ? 1 : d))] as const),
)

describe('Shapes.size and strides', () => {
  test.prop([shape])('size is the product of dims and strides are row-major', (s) => {
    expect(Shapes.size(s)).toBe(s.reduce((a, b) => a * b, 1))
    const st = Shapes.strides(s)
    s.forEach((_, i) => {
      expect(st[i]).toBe(s.slice(i + 1).reduce((a, b) => a * b, 1))
    })
  })
})

describe('Shapes.broadcast', () => {
  test.prop([broadcastPair])('is commutative and the result is the elementwise max of aligned dims', ([a, b]) => {
    const ab = Shapes.broadcast('t', ['a', a], ['b', b])
    const ba = Shapes.broadcast('t', ['b', b], ['a', a])
    expect(E.isRight(ab) && E.isRight(ba)).toBe(true)
    if (E.isRight(ab) && E.isRight(ba)) {
      expect(ab.right).toEqual(ba.right)
      expect(ab.right).toEqual(
        a.map((d, i) => (b[i - (a.length - b.length)] === 1 && d !== 1 ? d : (b[i - (a.length - b.length)] ?? d))),
      )
    }
  })

  test.prop([shape])('a shape broadcasts with itself and with a scalar to itself', (s) => {
    expect(Shapes.broadcast('t', ['a', s], ['b', s])).toEqual(E.right(s))
    expect(Shapes.broadcast('t', ['a', s], ['b', []])).toEqual(E.right(s))
  })

  it('names both shapes and the failing dimension', () => {
    const r = Shapes.broadcast('add', ['a', [2, 3]], ['b', [4]])
    expect(E.isLeft(r) && r.left.message).toBe(
      "add: cannot broadcast a [2, 3] with b [4]: dimension -1 is 3 vs 4 (argument 'b'; a [2, 3], b [4])",
    )
  })

  test.prop([shape, shape])('broadcastStrides gives stride 0 exactly on broadcast dims', (a, b) => {
    const out = Shapes.broadcast('t', ['a', a], ['b', b])
    fc.pre(E.isRight(out))
    if (E.isLeft(out)) return
    const st = Shapes.broadcastStrides(a, out.right)
    const own = Shapes.strides(a)
    out.right.forEach((_, i) => {
      const j = i - (out.right.length - a.length)
      expect(st[i]).toBe(j < 0 || a[j] === 1 ? 0 : own[j])
    })
  })
})

describe('Shapes.check and axes', () => {
  it('accepts non-negative integer dims and rejects the rest', () => {
    expect(Shapes.check('t', 'shape', [0, 1, 7])).toEqual(E.right([0, 1, 7]))
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(E.isLeft(Shapes.check('t', 'shape', [2, bad]))).toBe(true)
  })

  test.prop([fc.integer({ min: 0, max: 6 }), fc.integer({ min: -8, max: 8 })])(
    'normalizeAxis accepts exactly -rank..rank-1',
    (rank, axis) => {
      const r = Shapes.normalizeAxis('t', 'axis', axis, rank, {})
      if (axis >= -rank && axis < rank) expect(r).toEqual(E.right(axis < 0 ? axis + rank : axis))
      else expect(E.isLeft(r)).toBe(true)
    },
  )

  it('normalizeAxes sorts, resolves negatives, defaults to all, and rejects repeats', () => {
    expect(Shapes.normalizeAxes('t', 'axes', [-1, 0], 3, {})).toEqual(E.right([0, 2]))
    expect(Shapes.normalizeAxes('t', 'axes', undefined, 3, {})).toEqual(E.right([0, 1, 2]))
    expect(E.isLeft(Shapes.normalizeAxes('t', 'axes', [2, -1], 3, {}))).toBe(true)
  })
})
