import { fc, test } from '@fast-check/vitest'
import { cpu } from '@recur/backend-cpu'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import * as R from '../src/index.js'

const o = { backend: cpu, dtype: 'float64' } as const
const leaf = fc.integer({ min: -9, max: 9 }).map((v) => R.tensor(v, o))
const { tree } = fc.letrec<{ tree: R.TreeT }>((self) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.constantFrom(undefined, null),
    fc.array(self('tree'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'weight_ih_l0', 'x y'), self('tree'), { maxKeys: 3 }),
  ),
}))

describe('Tree', () => {
  test.prop([tree])('unflatten ∘ flatten is the identity', (t) => {
    const [leaves, def] = R.Tree.flatten(t)
    expect(R.Tree.unflatten(def, leaves)).toEqual(t)
  })

  test.prop([tree])('map keeps the structure and composes', (t) => {
    const f = (x: R.Tensor) => R.add(x, 1)
    const g = (x: R.Tensor) => R.mul(x, 2)
    const once = R.Tree.leaves(R.Tree.map(t, (x) => g(f(x)))).map((x) => x.item())
    const twice = R.Tree.leaves(R.Tree.map(R.Tree.map(t, f), g)).map((x) => x.item())
    expect(once).toEqual(twice)
    expect(R.Tree.flatten(R.Tree.map(t, f))[1]).toEqual(R.Tree.flatten(t)[1])
  })

  it('orders leaves by array index and sorted record key, and names their paths', () => {
    const t = { b: [R.tensor(1, o), R.tensor(2, o)], a: R.tensor(0, o), 'x y': R.tensor(3, o), none: undefined }
    expect(R.Tree.leaves(t).map((x) => x.item())).toEqual([0, 1, 2, 3])
    expect(R.Tree.paths(t, 'params')).toEqual(['params.a', 'params.b[0]', 'params.b[1]', 'params["x y"]'])
  })

  it('zipWith pairs leaves and names the first structural difference', () => {
    const a = { w: R.tensor([1, 2], o), b: R.tensor(1, o) }
    expect(R.Tree.zipWith(a, a, R.add).w.toFlat()).toEqual([2, 4])
    expect(() => R.Tree.zipWith(a, { w: R.tensor([1, 2], o) }, R.add)).toThrow(
      'zipWith: trees differ: tree has keys [b, w] in one tree and [w] in the other',
    )
    expect(() => R.Tree.zipWith([a.w], [a.w, a.w], R.add)).toThrow(
      'zipWith: trees differ: tree has 1 items in one tree and 2 in the other',
    )
  })

  it('sameType reports the path whose shape or dtype changed', () => {
    const a = { h: R.zeros([2, 3], o), c: R.zeros([2, 3], o) }
    expect(R.Tree.sameType(a, a)).toEqual(E.right(undefined))
    expect(R.Tree.sameType(a, { ...a, c: R.zeros([2, 4], o) }, 'carry')).toEqual(
      E.left('carry.c changed shape from [2, 3] to [2, 4]'),
    )
    expect(R.Tree.sameType(a, { ...a, h: R.zeros([2, 3], { backend: cpu }) }, 'carry')).toEqual(
      E.left('carry.h changed dtype from float64 to float32'),
    )
  })

  it('rejects values that are not trees, naming where', () => {
    expect(() => Reflect.apply(R.Tree.flatten, undefined, [{ w: [R.tensor(1, o), 3] }, 'params'])).toThrow(
      'params.w[1] is a number; a tree holds only tensors, arrays, plain records, undefined and null',
    )
    expect(() => Reflect.apply(R.Tree.flatten, undefined, [{ when: new Date(0) }])).toThrow('tree.when is a Date')
  })
})
