/**
 * What reverse mode holds between the forward and the backward pass. A recorded node keeps only
 * what its rule's VJP reads (`keeps`): values for `'inputs'`/`'output'`/`'all'`, shapes alone for
 * `'shapes'`; a checkpointed call keeps its inputs but only its outputs' shapes; and the backward
 * pass hands back only the leaves' cotangents (inner ones are dropped as soon as they are spent).
 *
 * Observed with weak references to the data of kernel results, on a backend that records them,
 * after the forward pass has returned and a full collection has run (V8 keeps a weak reference's
 * target alive until the current job ends, hence the `await` before collecting). The pullbacks
 * are then run, so that a value dropped too early would show as a wrong gradient.
 */

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { cpu } from '@recur/backend-cpu'
import * as R from '@recur/core'
import { describe, expect, it } from 'vitest'
import { backprop } from '../src/autodiff/vjp.js'

setFlagsFromString('--expose-gc')
const collect = runInNewContext('gc') as () => void

/** cpu, recording a weak reference to every kernel result's data, by kernel name. */
const tracked = (): { backend: R.Backend; alive: (kernel: string) => number } => {
  const made: { kernel: string; ref: WeakRef<object> }[] = []
  const record =
    <A extends unknown[]>(kernel: string, f: (...args: A) => R.ReadonlyData) =>
    (...args: A) => {
      const out = f(...args)
      if (out instanceof Float64Array || out instanceof Float32Array) made.push({ kernel, ref: new WeakRef(out) })
      return out
    }
  const backend: R.Backend = {
    ...cpu,
    name: 'cpu-tracked',
    unary: record('unary', cpu.unary),
    binary: record('binary', cpu.binary),
    matmul: record('matmul', cpu.matmul),
    concat: record('concat', cpu.concat),
    reduce: record('reduce', cpu.reduce),
  }
  return { backend, alive: (kernel) => made.filter((m) => m.kernel === kernel && m.ref.deref() !== undefined).length }
}

const settle = async (): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 0))
  collect()
  collect()
}

const close = (got: R.Tensor, want: number[]): void => {
  const g = got.toFlat()
  expect(g.length).toBe(want.length)
  g.forEach((v, i) => {
    expect(v).toBeCloseTo(want[i] ?? Number.NaN, 12)
  })
}

describe('reverse mode keeps only what the VJP rules read', () => {
  it('concat, add and sum keep shapes: the values they combined are not held', async () => {
    const { backend, alive } = tracked()
    const o = { dtype: 'float64', backend } as const
    const x = R.tensor([1, 2, 3], o)
    const w = R.tensor([4, 5, 6], o)
    const [value, pullback] = R.vjp((a: R.Tensor) => R.sum(R.add(R.concat([R.mul(a, w), R.mul(a, 2)], 0), 1)), [x])
    await settle()
    // the two products (concat's inputs), the concat (add's input) and the add (sum's input) are gone
    expect(alive('binary')).toBe(0)
    expect(alive('concat')).toBe(0)
    expect(value.item()).toBe(4 + 10 + 18 + 2 + 4 + 6 + 6)
    close(pullback(R.scalar(1, o))[0], [6, 7, 8])
  })

  it('tanh keeps its output, not its input; matmul keeps its inputs, not its output', async () => {
    const { backend, alive } = tracked()
    const o = { dtype: 'float64', backend } as const
    const x = R.tensor([[0.5, -1]], o)
    const w = R.tensor([[0.25], [0.75]], o)
    const [, pullback] = R.vjp((a: R.Tensor) => R.sum(R.tanh(R.add(R.matmul(a, w), 3))), [x])
    await settle()
    expect(alive('matmul')).toBe(0) // add's input: add keeps shapes, matmul keeps its inputs only
    expect(alive('binary')).toBe(0) // tanh's input
    expect(alive('unary')).toBe(1) // tanh's output, read by its VJP
    const d = 1 - Math.tanh(0.5 * 0.25 - 0.75 + 3) ** 2
    close(pullback(R.scalar(1, o))[0], [d * 0.25, d * 0.75])
  })

  it('a checkpointed call keeps its inputs but not its outputs', async () => {
    const { backend, alive } = tracked()
    const o = { dtype: 'float64', backend } as const
    const x = R.tensor([0.1, 0.2], o)
    const f = R.checkpoint((a: R.Tensor) => R.mul(R.exp(a), 2))
    const [, pullback] = R.vjp((a: R.Tensor) => R.sum(f(a)), [x])
    await settle()
    expect(alive('binary')).toBe(0) // f's output, consumed only by sum
    expect(alive('unary')).toBe(0) // f's intermediates: recomputed, not stored
    close(pullback(R.scalar(1, o))[0], [2 * Math.exp(0.1), 2 * Math.exp(0.2)])
  })
})

describe('backprop', () => {
  it('returns the cotangents of the leaves only; inner ones are released once spent', () => {
    const o = { dtype: 'float64', backend: cpu } as const
    const pass = ([c]: readonly (R.Tensor | undefined)[]): readonly (R.Tensor | undefined)[] => [c]
    const leaf = { id: -3, outputs: 1, inputs: [], backward: () => [] }
    const mid = { id: -2, outputs: 1, inputs: [{ node: leaf, index: 0 }], backward: pass }
    const top = { id: -1, outputs: 1, inputs: [{ node: mid, index: 0 }], backward: pass }
    const cts = backprop([[{ node: top, index: 0 }, R.scalar(2, o)]])
    expect([...cts.keys()]).toEqual([leaf])
    expect(cts.get(leaf)?.[0]?.item()).toBe(2)
  })
})
