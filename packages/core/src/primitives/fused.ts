/**
 * Rules of the fused recurrent-cell primitives `lstmGates`, `gruGates` and their pullbacks
 * `lstmGatesBackward`, `gruGatesBackward` (shapes in `fusedShapes.ts`).
 *
 * - impl: the backend's optional fused kernel when it has one; otherwise the composed definition
 *   (`ops/fused.ts`) evaluated with the backend's required kernels, so every backend works.
 * - The forward primitives' VJP rules are the fused backward primitives (one node, one kernel);
 *   their JVP rules are forward mode through the composed definitions.
 * - The backward primitives' JVP and VJP rules are forward and reverse mode through their own
 *   composed definitions, so gradients of gradients (hvp, grad of grad) stay exact.
 *
 * Results are concatenated on the last axis (`[h, c']`, `[d gates, d c]`, `[d xp, d hp, d h]`)
 * because rules have one output; the operations slice them (a copy of `(…, H)` each).
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import { jvp } from '../autodiff/jvp.js'
import { vjp } from '../autodiff/vjp.js'
import type { Backend, Operand, ReadonlyData } from '../Backend.js'
import { zerosLike } from '../create.js'
import {
  composedGruGates,
  composedGruGatesBackward,
  composedLstmGates,
  composedLstmGatesBackward,
  lastAxisSlice,
} from '../ops/fused.js'
import { concat } from '../ops/movement.js'
import { fromKernel, operand, type Tensor } from '../Tensor.js'
import { gruGatesBackwardShape, gruGatesShape, lstmGatesBackwardShape, lstmGatesShape } from './fusedShapes.js'
import type { Linear, Rule } from './Rule.js'

type Fused = 'lstmGates' | 'lstmGatesBackward' | 'gruGates' | 'gruGatesBackward'

/** Runs `f` on the operands as (untraced) tensors of `backend`: the composed fallback. */
const composedImpl = (backend: Backend, name: Fused, inputs: readonly Operand[], f: (xs: readonly Tensor[]) => Tensor) =>
  operand(f(inputs.map((x) => fromKernel(backend, name, x.shape, x.dtype, x.data)))).data

/** The fused kernel `name` of `backend` when present, else the composition `f`. */
const implOf =
  (name: Fused, f: (xs: readonly Tensor[]) => Tensor): Rule<Fused>['impl'] =>
  (backend, inputs) => {
    const kernel: ((...xs: Operand[]) => ReadonlyData) | undefined = backend.fused?.[name]
    return kernel === undefined ? composedImpl(backend, name, inputs, f) : kernel(...inputs)
  }

/** Forward mode through `f`: J·tangents at `primals` (zeros for symbolic-zero tangents). */
const jvpThrough =
  (f: (xs: readonly Tensor[]) => Tensor) =>
  (primals: readonly Tensor[], tangents: readonly Linear[]): Linear =>
    jvp(
      (...xs: Tensor[]) => f(xs),
      [...primals],
      primals.map((p, i) => tangents[i] ?? zerosLike(p)),
    )[1]

/** Reverse mode through `f`: Jᵀ·ct at `primals`. */
const vjpThrough =
  (f: (xs: readonly Tensor[]) => Tensor) =>
  (ct: Tensor, primals: readonly Tensor[]): readonly Linear[] =>
    vjp((...xs: Tensor[]) => f(xs), [...primals])[1](ct)

/** The last axis of `x` split at the given widths. */
const splitLast = (x: Tensor, widths: readonly number[]): Tensor[] => {
  let at = 0
  return widths.map((w) => {
    const part = lastAxisSlice(x, at, w)
    at += w
    return part
  })
}

const hidden = (x: Tensor): number => x.shape[x.rank - 1] ?? 0

const lstmForward = ([gates, c]: readonly Tensor[]): Tensor => {
  const [h, next] = composedLstmGates(gates!, c!)
  return concat([h, next], h.rank - 1)
}
const lstmBackward = ([gates, c, ct]: readonly Tensor[]): Tensor => composedLstmGatesBackward(gates!, c!, ct!)
const gruForward = ([xp, hp, h]: readonly Tensor[]): Tensor => composedGruGates(xp!, hp!, h!)
const gruBackward = ([xp, hp, h, ct]: readonly Tensor[]): Tensor => composedGruGatesBackward(xp!, hp!, h!, ct!)

/** The fused rules. */
export const fusedRules: { readonly [K in Fused]: Rule<K> } = {
  lstmGates: {
    shape: (shapes) => lstmGatesShape('lstmGates', shapes),
    impl: implOf('lstmGates', lstmForward),
    jvp: jvpThrough(lstmForward),
    vjp: (ct, [gates, c]) => {
      const h = hidden(c!)
      return splitLast(bind('lstmGatesBackward', [gates!, c!, ct], {}), [4 * h, h])
    },
  },
  lstmGatesBackward: {
    shape: (shapes) => lstmGatesBackwardShape('lstmGatesBackward', shapes),
    impl: implOf('lstmGatesBackward', lstmBackward),
    jvp: jvpThrough(lstmBackward),
    vjp: vjpThrough(lstmBackward),
  },
  gruGates: {
    shape: (shapes) => gruGatesShape('gruGates', shapes),
    impl: implOf('gruGates', gruForward),
    jvp: jvpThrough(gruForward),
    vjp: (ct, [xp, hp, h]) => {
      const n = hidden(h!)
      return splitLast(bind('gruGatesBackward', [xp!, hp!, h!, ct], {}), [3 * n, 3 * n, n])
    },
  },
  gruGatesBackward: {
    shape: (shapes) => gruGatesBackwardShape('gruGatesBackward', shapes),
    impl: implOf('gruGatesBackward', gruBackward),
    jvp: jvpThrough(gruBackward),
    vjp: vjpThrough(gruBackward),
  },
}
