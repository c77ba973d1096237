/**
 * Rules of the whole-sequence recurrence primitives (`ops/recurrence.ts`; shapes in
 * `recurrenceShapes.ts`), all with several results, run by `bindMany`:
 *
 * - impl: the backend's optional fused kernel when it has one and takes the operands (it may
 *   return `undefined`); otherwise the composed definition evaluated with the backend's kernels
 *   (step by step), so every backend works;
 * - JVP and VJP rules: forward and reverse mode through the composed definitions, so gradients
 *   of gradients stay exact. (A layer's own reverse pass does not use the forward primitives'
 *   VJP rules: it pairs each with its backward primitive through `customVjp`.)
 *
 * @since 0.1.0
 */
import type { Operand } from '../Backend.js'
import {
  composedGruRecurrence,
  composedGruRecurrenceBackward,
  composedLstmRecurrence,
  composedLstmRecurrenceBackward,
} from '../ops/recurrence.js'
import { type Composed, composedImpl, jvpThrough, vjpThrough } from './fused.js'
import type { MultiRule } from './multi.js'
import {
  gruRecurrenceBackwardShape,
  gruRecurrenceShape,
  lstmRecurrenceBackwardShape,
  lstmRecurrenceShape,
} from './recurrenceShapes.js'

/** The static parameters of every recurrence primitive. */
export interface RecurrenceParams {
  readonly reverse: boolean
}

type Names = 'lstmRecurrence' | 'lstmRecurrenceBackward' | 'gruRecurrence' | 'gruRecurrenceBackward'

const lstm =
  (reverse: boolean): Composed =>
  ([xp, w, b, h0, c0]) =>
    composedLstmRecurrence(xp!, w!, b!, h0!, c0!, { reverse })
const lstmBackward =
  (reverse: boolean): Composed =>
  ([g, cs, c0, w, dys, dh, dc]) =>
    composedLstmRecurrenceBackward(g!, cs!, c0!, w!, dys!, dh!, dc!, { reverse })
const gru =
  (reverse: boolean): Composed =>
  ([xp, w, bi, bh, h0]) =>
    composedGruRecurrence(xp!, w!, bi!, bh!, h0!, { reverse })
const gruBackward =
  (reverse: boolean): Composed =>
  ([xp, bi, hp, ys, h0, w, dys, dh]) =>
    composedGruRecurrenceBackward(xp!, bi!, hp!, ys!, h0!, w!, dys!, dh!, { reverse })

/** The derivative rules through a composed definition, for every recurrence primitive. */
const through = (f: (reverse: boolean) => Composed) => ({
  jvp: (
    primals: Parameters<ReturnType<typeof jvpThrough>>[0],
    tangents: Parameters<ReturnType<typeof jvpThrough>>[1],
    _: unknown,
    p: RecurrenceParams,
  ) => jvpThrough(f(p.reverse))(primals, tangents),
  vjp: (
    cts: Parameters<ReturnType<typeof vjpThrough>>[0],
    primals: Parameters<ReturnType<typeof vjpThrough>>[1],
    outs: Parameters<ReturnType<typeof vjpThrough>>[2],
    p: RecurrenceParams,
  ) => vjpThrough(f(p.reverse))(cts, primals, outs),
})

/** The rules of the recurrence primitives. */
export const recurrenceRules: { readonly [P in Names]: MultiRule<P> } = {
  lstmRecurrence: {
    shapes: (shapes) => lstmRecurrenceShape('lstmRecurrence', shapes),
    impl: (backend, inputs, p) => {
      const kernel = backend.fused?.lstmRecurrence
      const [xp, w, b, h0, c0] = inputs as [Operand, Operand, Operand, Operand, Operand]
      return kernel?.(xp, w, b, h0, c0, p.reverse) ?? composedImpl(backend, 'lstmRecurrence', inputs, lstm(p.reverse))
    },
    ...through(lstm),
  },
  lstmRecurrenceBackward: {
    shapes: (shapes) => lstmRecurrenceBackwardShape('lstmRecurrenceBackward', shapes),
    impl: (backend, inputs, p) => {
      const kernel = backend.fused?.lstmRecurrenceBackward
      const [g, cs, c0, w, dys, dh, dc] = inputs as [Operand, Operand, Operand, Operand, Operand, Operand, Operand]
      return (
        kernel?.(g, cs, c0, w, dys, dh, dc, p.reverse) ??
        composedImpl(backend, 'lstmRecurrenceBackward', inputs, lstmBackward(p.reverse))
      )
    },
    ...through(lstmBackward),
  },
  gruRecurrence: {
    shapes: (shapes) => gruRecurrenceShape('gruRecurrence', shapes),
    impl: (backend, inputs, p) => {
      const kernel = backend.fused?.gruRecurrence
      const [xp, w, bi, bh, h0] = inputs as [Operand, Operand, Operand, Operand, Operand]
      return kernel?.(xp, w, bi, bh, h0, p.reverse) ?? composedImpl(backend, 'gruRecurrence', inputs, gru(p.reverse))
    },
    ...through(gru),
  },
  gruRecurrenceBackward: {
    shapes: (shapes) => gruRecurrenceBackwardShape('gruRecurrenceBackward', shapes),
    impl: (backend, inputs, p) => {
      const kernel = backend.fused?.gruRecurrenceBackward
      const [xp, bi, hp, ys, h0, w, dys, dh] = inputs as [Operand, Operand, Operand, Operand, Operand, Operand, Operand, Operand]
      return (
        kernel?.(xp, bi, hp, ys, h0, w, dys, dh, p.reverse) ??
        composedImpl(backend, 'gruRecurrenceBackward', inputs, gruBackward(p.reverse))
      )
    },
    ...through(gruBackward),
  },
}
