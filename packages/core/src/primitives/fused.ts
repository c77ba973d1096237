/**
 * Rules of the fused recurrent-cell primitives (shapes in `fusedShapes.ts`): `gruGates` (one
 * result, run by `bind`), and `lstmGates` (h and c'), `lstmGatesBackward` (d gates, d c) and
 * `gruGatesBackward` (d xp, d hp, d h), which have several results and run by `bindMany`.
 *
 * - impl: the backend's optional fused kernel when it has one; otherwise the composed definition
 *   (`ops/fused.ts`) evaluated with the backend's required kernels, so every backend works.
 * - The forward primitives' VJP rules are the fused backward primitives (one node, one kernel);
 *   their JVP rules are forward mode through the composed definitions.
 * - The backward primitives' JVP and VJP rules are forward and reverse mode through their own
 *   composed definitions, so gradients of gradients (hvp, grad of grad) stay exact.
 *
 * @since 0.1.0
 */

import { bindMany } from '../autodiff/bindMany.js'
import { jvp } from '../autodiff/jvp.js'
import { vjp } from '../autodiff/vjp.js'
import type { Backend, FusedKernels, Operand } from '../Backend.js'
import { zerosLike } from '../create.js'
import { composedGruGates, composedGruGatesBackward, composedLstmGates, composedLstmGatesBackward } from '../ops/fused.js'
import { fromKernel, operand, type Tensor } from '../Tensor.js'
import { gruGatesBackwardShape, gruGatesShape, lstmGatesBackwardShape, lstmGatesShape } from './fusedShapes.js'
import type { MultiRule } from './multi.js'
import type { Linear, Rule } from './Rule.js'

/** A composed definition over its inputs, result by result. */
export type Composed = (xs: readonly Tensor[]) => readonly Tensor[]

/** Runs `f` on the operands as (untraced) tensors of `backend`: the composed fallback. */
export const composedImpl = (backend: Backend, name: keyof FusedKernels, inputs: readonly Operand[], f: Composed) =>
  f(inputs.map((x) => fromKernel(backend, name, x.shape, x.dtype, x.data))).map((t) => operand(t).data)

/** Forward mode through `f`: its tangents at `primals` (zeros for symbolic-zero tangents). */
export const jvpThrough =
  (f: Composed) =>
  (primals: readonly Tensor[], tangents: readonly Linear[]): readonly Linear[] =>
    jvp(
      (...xs: Tensor[]) => [...f(xs)],
      [...primals],
      primals.map((p, i) => tangents[i] ?? zerosLike(p)),
    )[1]

/** Reverse mode through `f`: Jᵀ·cts at `primals` (zeros for symbolic-zero cotangents). */
export const vjpThrough =
  (f: Composed) =>
  (cts: readonly Linear[], primals: readonly Tensor[], outs: readonly Tensor[]): readonly Linear[] =>
    vjp((...xs: Tensor[]) => [...f(xs)], [...primals])[1](outs.map((o, i) => cts[i] ?? zerosLike(o)))

const lstmForward: Composed = ([gates, c]) => composedLstmGates(gates!, c!)
const lstmBackward: Composed = ([gates, c, dh, dc]) => composedLstmGatesBackward(gates!, c!, dh!, dc!)
const gruForward: Composed = ([xp, hp, h]) => [composedGruGates(xp!, hp!, h!)]
const gruBackward: Composed = ([xp, hp, h, ct]) => composedGruGatesBackward(xp!, hp!, h!, ct!)

/** `gruGates`: one result. */
export const gruGatesRule: Rule<'gruGates'> = {
  shape: (shapes) => gruGatesShape('gruGates', shapes),
  impl: (backend, inputs) => {
    const kernel = backend.fused?.gruGates
    const [xp, hp, h] = inputs as [Operand, Operand, Operand]
    return kernel === undefined ? (composedImpl(backend, 'gruGates', inputs, gruForward)[0] ?? []) : kernel(xp, hp, h)
  },
  jvp: (primals, tangents) => jvpThrough(gruForward)(primals, tangents)[0],
  keeps: 'inputs',
  vjp: (ct, [xp, hp, h]) => bindMany('gruGatesBackward', [xp!, hp!, h!, ct], {}),
}

/** The rules of the fused primitives with several results. */
export const fusedMultiRules: { readonly [P in 'lstmGates' | 'lstmGatesBackward' | 'gruGatesBackward']: MultiRule<P> } = {
  lstmGates: {
    shapes: (shapes) => lstmGatesShape('lstmGates', shapes),
    impl: (backend, inputs) => {
      const kernel = backend.fused?.lstmGates
      const [gates, c] = inputs as [Operand, Operand]
      return kernel === undefined ? composedImpl(backend, 'lstmGates', inputs, lstmForward) : kernel(gates, c)
    },
    jvp: jvpThrough(lstmForward),
    vjp: ([dh, dc], [gates, c], [h, next]) =>
      bindMany('lstmGatesBackward', [gates!, c!, dh ?? zerosLike(h!), dc ?? zerosLike(next!)], {}),
  },
  lstmGatesBackward: {
    shapes: (shapes) => lstmGatesBackwardShape('lstmGatesBackward', shapes),
    impl: (backend, inputs) => {
      const kernel = backend.fused?.lstmGatesBackward
      const [gates, c, dh, dc] = inputs as [Operand, Operand, Operand, Operand]
      return kernel === undefined ? composedImpl(backend, 'lstmGatesBackward', inputs, lstmBackward) : kernel(gates, c, dh, dc)
    },
    jvp: jvpThrough(lstmBackward),
    vjp: vjpThrough(lstmBackward),
  },
  gruGatesBackward: {
    shapes: (shapes) => gruGatesBackwardShape('gruGatesBackward', shapes),
    impl: (backend, inputs) => {
      const kernel = backend.fused?.gruGatesBackward
      const [xp, hp, h, ct] = inputs as [Operand, Operand, Operand, Operand]
      return kernel === undefined ? composedImpl(backend, 'gruGatesBackward', inputs, gruBackward) : kernel(xp, hp, h, ct)
    },
    jvp: jvpThrough(gruBackward),
    vjp: vjpThrough(gruBackward),
  },
}
