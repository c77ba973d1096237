/**
 * The weight and input gradients of a recurrent layer after its backward pass through time, each
 * one product over the stacked sequence (K = L·N) rather than one small product per step. Shapes:
 * `(L, N, ·)` sequences, `L` steps, `N` batch.
 *
 * @since 0.1.0
 */
import { matmul, reshape, sum, type Tensor, zerosLike } from '@recur/core'
import type { CellParams } from './step.js'

/** `(L, N, ·)` as `(L·N, ·)`. */
const rows = (x: Tensor): Tensor => reshape(x, [(x.shape[0] ?? 0) * (x.shape[1] ?? 0), x.shape[2] ?? 0])

/** `aᵀ·b` summed over every step and batch row: `(L, N, A)`, `(L, N, B)` → `(A, B)`. */
export const outer = (a: Tensor, b: Tensor): Tensor => matmul(rows(a), rows(b), { transposeA: true })

/** The biases' cotangents `(G·H)` where a backward kernel has already summed them. */
export interface BiasGrads {
  readonly ih: Tensor
  readonly hh: Tensor
}

/**
 * The weights' gradients from the cotangents of the input projection `dXp` and of the recurrent
 * pre-activations `dHp` (both `(L, N, G·H)`; the same tensor for LSTM, where one bias sum serves
 * both biases), the inputs `x` `(L, N, I)` and the previous states `hPrev` `(L, N, H)`; the bias
 * gradients are `sums` when given, else summed here.
 */
export const weightGrads = (
  w: CellParams,
  x: Tensor,
  dXp: Tensor,
  dHp: Tensor,
  hPrev: Tensor,
  dHr: Tensor | undefined,
  sums?: BiasGrads,
): CellParams => {
  const dbx = w.bias_ih === undefined ? undefined : (sums?.ih ?? sum(dXp, { axes: [0, 1] }))
  const dbh =
    w.bias_hh === undefined ? undefined : (sums?.hh ?? (dHp === dXp && dbx !== undefined ? dbx : sum(dHp, { axes: [0, 1] })))
  return {
    weight_ih: outer(dXp, x),
    weight_hh: outer(dHp, hPrev),
    ...(dbx === undefined ? {} : { bias_ih: dbx }),
    ...(dbh === undefined ? {} : { bias_hh: dbh }),
    ...(dHr === undefined ? {} : { weight_hr: dHr }),
  }
}

/** The input's cotangent `dXp·W_ih` `(L, N, I)`, or zeros when the input is a constant. */
export const inputGrad = (w: CellParams, x: Tensor, dXp: Tensor, wanted: boolean): Tensor =>
  wanted ? matmul(dXp, w.weight_ih) : zerosLike(x)
