/**
 * `chain`: left-to-right composition with a tuple of states; order matters, grouping does not.
 */
import { cpu } from '@recur/backend-cpu'
import { type Tensor, Tree, type TreeT, tensor } from '@recur/core'
import { describe, expect, it } from 'vitest'
import {
  adam,
  addWeightDecay,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  clipByValue,
  momentum,
  sgd,
  type Transform,
} from '../../src/optim/index.js'

const f64 = (data: number[]) => tensor(data, { dtype: 'float64', backend: cpu })
const params = { w: f64([1, -2]), b: f64([0.5]) }
const grads = { w: f64([3, 4]), b: f64([0]) } // global norm 5

const values = (t: TreeT): number[][] => Tree.leaves(t).map((l) => l.toFlat())

/** Runs `steps` updates with fixed gradients and returns all the updates. */
const updatesOf = (opt: Transform, steps = 3): number[][][] => {
  let state: TreeT = opt.init(params)
  let p: { readonly w: Tensor; readonly b: Tensor } = params
  const out: number[][][] = []
  for (let i = 0; i < steps; i++) {
    const [u, s] = opt.update(grads, state, p)
    out.push(values(u))
    p = applyUpdates(p, u)
    state = s
  }
  return out
}

describe('chain', () => {
  it('runs its parts left to right: clip then scale differs from scale then clip', () => {
    const [clipThenSgd] = updatesOf(chain(clipByGlobalNorm(1), sgd(0.1)), 1)
    const [sgdThenClip] = updatesOf(chain(sgd(0.1), clipByGlobalNorm(1)), 1)
    // b first, then w (leaves sorted by key)
    expect(clipThenSgd).toEqual([[-0], [-0.06000000000000001, -0.08000000000000002]])
    expect(sgdThenClip?.[1]?.map((v) => v.toFixed(12))).toEqual(['-0.300000000000', '-0.400000000000'])
  })

  it('puts weight decay before or after clipping as written', () => {
    const [decayThenClip] = updatesOf(chain(addWeightDecay(1), clipByValue(-2, 2)), 1)
    const [clipThenDecay] = updatesOf(chain(clipByValue(-2, 2), addWeightDecay(1)), 1)
    expect(decayThenClip).toEqual([[0.5], [2, 2]])
    expect(clipThenDecay).toEqual([[0.5], [3, 0]])
  })

  it('of one part behaves as the part', () => {
    expect(updatesOf(chain(adam(0.1)))).toEqual(updatesOf(adam(0.1)))
  })

  it('is associative', () => {
    const a = () => clipByGlobalNorm(2)
    const b = () => addWeightDecay(0.1)
    const c = () => momentum(0.1, 0.9)
    expect(updatesOf(chain(a(), chain(b(), c())))).toEqual(updatesOf(chain(chain(a(), b()), c())))
    expect(updatesOf(chain(a(), b(), c()))).toEqual(updatesOf(chain(chain(a(), b()), c())))
  })

  it('keeps the parts’ states as a typed tuple, so the clipped norm can be logged', () => {
    const opt = chain(clipByGlobalNorm(1), adam(1e-3))
    const state = opt.init(params)
    expect(state[1].count.item()).toBe(0)
    const [, next] = opt.update(grads, state, params)
    expect(next[0].globalNorm.item()).toBe(5)
    expect(next[1].count.item()).toBe(1)
    expect(Tree.paths(next)).toEqual(Tree.paths(state))
  })
})
