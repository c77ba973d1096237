/**
 * Optimizers as values: each converges on a quadratic, never changes its inputs, keeps its state
 * as a tree of tensors (with a step counter), and rejects bad hyperparameters or state by name.
 */
import { cpu } from '@recur/backend-cpu'
import { add, grad, mul, sub, sum, type Tensor, Tree, type TreeT, tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  adagrad,
  adam,
  adamw,
  addWeightDecay,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  cosineDecay,
  linearWarmup,
  momentum,
  rmsprop,
  sgd,
  type Transform,
} from '../../src/optim/index.js'

const f64 = (data: number[] | number[][]) => tensor(data, { dtype: 'float64', backend: cpu })
type Params = { readonly x: Tensor; readonly y: Tensor }

// f(x, y) = ½ xᵀAx − bᵀx + ½‖y − c‖², minimised at x* = A⁻¹b = [0.2, −0.4], y* = c.
const A = f64([
  [3, 1],
  [1, 2],
])
const b = mul(sum(mul(A, f64([0.2, -0.4])), { axes: 1 }), 1)
const c = f64([[1.5, -0.5]])
const loss = (p: Params): Tensor =>
  add(sub(mul(sum(mul(p.x, sum(mul(A, p.x), { axes: 1 }))), 0.5), sum(mul(b, p.x))), mul(sum(mul(sub(p.y, c), sub(p.y, c))), 0.5))
const start: Params = { x: f64([1, 1]), y: f64([[0, 0]]) }

const train = (opt: Transform, steps: number): Params => {
  let params = start
  let state: TreeT = opt.init(params)
  for (let i = 0; i < steps; i++) {
    const [updates, next] = opt.update(grad(loss)(params), state, params)
    params = applyUpdates(params, updates)
    state = next
  }
  return params
}

const distance = (p: Params): number => Math.hypot(...sub(p.x, f64([0.2, -0.4])).toFlat(), ...sub(p.y, c).toFlat())

const optimizers: readonly (readonly [string, Transform, number, number])[] = [
  ['sgd', sgd(0.2), 200, 1e-9],
  ['momentum', momentum(0.1, 0.8), 200, 1e-9],
  ['nesterov', momentum(0.1, 0.8, { nesterov: true }), 200, 1e-9],
  ['adam (cosine decay)', adam(cosineDecay(0.1, 400)), 400, 1e-3],
  ['adamw (no decay)', adamw(0.05, { weightDecay: 0 }), 600, 1e-3],
  ['rmsprop', rmsprop(linearWarmup(10, cosineDecay(0.02, 500)), { momentum: 0.5 }), 510, 1e-3],
  ['rmsprop (centered)', rmsprop(cosineDecay(0.02, 500), { centered: true }), 500, 1e-3],
  ['adagrad', adagrad(0.5), 500, 1e-3],
  ['chain(clip, adam)', chain(clipByGlobalNorm(1), adam(cosineDecay(0.1, 400))), 400, 1e-3],
]

describe.each(optimizers)('%s', (_, opt, steps, tol) => {
  it(`converges on a quadratic within ${tol}`, () => {
    expect(distance(start)).toBeGreaterThan(1)
    expect(distance(train(opt, steps))).toBeLessThan(tol)
  })

  it('leaves its inputs unchanged and is deterministic', () => {
    const params = start
    const grads = grad(loss)(params)
    const state = opt.init(params)
    const before = [params, grads, state].map((t) => Tree.leaves(t).map((l) => l.toFlat()))
    const [u1, s1] = opt.update(grads, state, params)
    const [u2, s2] = opt.update(grads, state, params)
    expect([params, grads, state].map((t) => Tree.leaves(t).map((l) => l.toFlat()))).toEqual(before)
    expect(Tree.leaves(u1).map((l) => l.toFlat())).toEqual(Tree.leaves(u2).map((l) => l.toFlat()))
    expect(Tree.leaves(s1).map((l) => l.toFlat())).toEqual(Tree.leaves(s2).map((l) => l.toFlat()))
    expect(Tree.paths(u1)).toEqual(Tree.paths(grads))
  })

  it('keeps its state as a tree of tensors that includes a step counter', () => {
    const state = opt.init(start)
    const [, next] = opt.update(grad(loss)(start), state, start)
    expect(Tree.paths(next)).toEqual(Tree.paths(state))
    const counters = Tree.paths(next).filter((p) => p.endsWith('.count'))
    expect(counters.length).toBeGreaterThan(0)
    const i = Tree.paths(next).indexOf(counters[0] ?? '')
    expect(Tree.leaves(next)[i]?.item()).toBe(1)
  })
})

describe('weight decay', () => {
  it('adamw decays the weights by lr·λ·p on top of Adam, with zero gradients giving pure decay', () => {
    const p = { w: f64([2, -4]) }
    const zero = { w: f64([0, 0]) }
    const [u] = adamw(0.1, { weightDecay: 0.5 }).update(zero, adamw(0.1, { weightDecay: 0.5 }).init(p), p)
    expect(u.w.toFlat()).toEqual([-0.1, 0.2])
  })

  it('addWeightDecay adds wd·p to the gradients', () => {
    const p = { w: f64([2, -4]) }
    const [u] = addWeightDecay(0.25).update({ w: f64([1, 1]) }, {}, p)
    expect(u.w.toFlat()).toEqual([1.5, 0])
  })

  it('says when update needs the parameters', () => {
    const p = { w: f64([1]) }
    expect(() => adamw(0.1).update(p, adamw(0.1).init(p))).toThrow(/adamw: update needs the current parameters/)
    expect(() => addWeightDecay(0.1).update(p, {})).toThrow(/addWeightDecay: update needs the current parameters/)
  })
})

describe('bad use', () => {
  it('rejects bad hyperparameters, naming them', () => {
    expect(() => adam(0.1, { b1: 1 })).toThrow(/adam: b1 must be a number in \[0, 1\)/)
    expect(() => adam(-1)).toThrow(/adam: lr must be a number in \[0, ∞\)/)
    expect(() => rmsprop(0.1, { alpha: 1.5 })).toThrow(/rmsprop: alpha/)
    expect(() => momentum(0.1, 0, { nesterov: true })).toThrow(/Nesterov momentum needs beta > 0/)
    expect(() => momentum(0.1, 0.9, { nesterov: true, dampening: 0.1 })).toThrow(/dampening 0/)
    expect(() => adagrad(0.1, { initialAccumulator: -1 })).toThrow(/adagrad: initialAccumulator/)
    expect(() => clipByGlobalNorm(Number.NaN)).toThrow(/clipByGlobalNorm: maxNorm/)
  })

  it('rejects a state whose structure does not match the gradients, naming the path', () => {
    const opt = adam(0.1)
    const state = opt.init({ a: f64([1]), b: f64([2]) })
    expect(() => opt.update({ a: f64([1]) }, state)).toThrow(
      /adam: mu does not have the structure of the gradients: mu has keys \[a, b\] in one tree and \[a\] in the other \(the first is mu/,
    )
    const chained: Transform = chain(sgd(0.1), adam(0.1))
    expect(() => chained.update({ a: f64([1]) }, [state])).toThrow(/chain: the state must be the array of 2 states/)
  })
})
