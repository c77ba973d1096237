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
  /** Forward primitives: keep what the backward primitive needs (see `RecurrenceOptions`). */
  readonly residuals: boolean
}

type Names = 'lstmRecurrence' | 'lstmRecurrenceBackward' | 'gruRecurrence' | 'gruRecurrenceBackward'

const lstm =
  (p: RecurrenceParams): Composed =>
  ([x, wi, wh, b, h0, c0]) =>
    composedLstmRecurrence(x!, wi!, wh!, b!, h0!, c0!, p)
const lstmBackward =
  (p: RecurrenceParams): Composed =>
  ([g, cs, c0, w, dys, dh, dc]) =>
    composedLstmRecurrenceBackward(g!, cs!, c0!, w!, dys!, dh!, dc!, p)
const gru =
  (p: RecurrenceParams): Composed =>
  ([x, wi, wh, bi, bh, h0]) =>
    composedGruRecurrence(x!, wi!, wh!, bi!, bh!, h0!, p)
const gruBackward =
  (p: RecurrenceParams): Composed =>
  ([xb, hp, ys, h0, w, dys, dh]) =>
    composedGruRecurrenceBackward(xb!, hp!, ys!, h0!, w!, dys!, dh!, p)

type Primals = Parameters<ReturnType<typeof jvpThrough>>[0]
type Tangents = Parameters<ReturnType<typeof jvpThrough>>[1]
type Cotangents = Parameters<ReturnType<typeof vjpThrough>>[0]
type Outs = Parameters<ReturnType<typeof vjpThrough>>[2]

/** The derivative rules through a composed definition, for every recurrence primitive. */
const through = (f: (p: RecurrenceParams) => Composed) => ({
  jvp: (primals: Primals, tangents: Tangents, _: unknown, p: RecurrenceParams) => jvpThrough(f(p))(primals, tangents),
  vjp: (cts: Cotangents, primals: Primals, outs: Outs, p: RecurrenceParams) => vjpThrough(f(p))(cts, primals, outs),
})

type Six = [Operand, Operand, Operand, Operand, Operand, Operand]
type Seven = [Operand, Operand, Operand, Operand, Operand, Operand, Operand]

/** The rules of the recurrence primitives. */
export const recurrenceRules: { readonly [P in Names]: MultiRule<P> } = {
  lstmRecurrence: {
    shapes: (shapes, p) => lstmRecurrenceShape('lstmRecurrence', shapes, p.residuals),
    impl: (backend, inputs, p) => {
      const [x, wi, wh, b, h0, c0] = inputs as Six
      return (
        backend.fused?.lstmRecurrence?.(x, wi, wh, b, h0, c0, p.reverse, p.residuals) ??
        composedImpl(backend, 'lstmRecurrence', inputs, lstm(p))
      )
    },
    ...through(lstm),
  },
  lstmRecurrenceBackward: {
    shapes: (shapes) => lstmRecurrenceBackwardShape('lstmRecurrenceBackward', shapes),
    impl: (backend, inputs, p) => {
      const [g, cs, c0, w, dys, dh, dc] = inputs as Seven
      return (
        backend.fused?.lstmRecurrenceBackward?.(g, cs, c0, w, dys, dh, dc, p.reverse) ??
        composedImpl(backend, 'lstmRecurrenceBackward', inputs, lstmBackward(p))
      )
    },
    ...through(lstmBackward),
  },
  gruRecurrence: {
    shapes: (shapes, p) => gruRecurrenceShape('gruRecurrence', shapes, p.residuals),
    impl: (backend, inputs, p) => {
      const [x, wi, wh, bi, bh, h0] = inputs as Six
      return (
        backend.fused?.gruRecurrence?.(x, wi, wh, bi, bh, h0, p.reverse, p.residuals) ??
        composedImpl(backend, 'gruRecurrence', inputs, gru(p))
      )
    },
    ...through(gru),
  },
  gruRecurrenceBackward: {
    shapes: (shapes) => gruRecurrenceBackwardShape('gruRecurrenceBackward', shapes),
    impl: (backend, inputs, p) => {
      const [xb, hp, ys, h0, w, dys, dh] = inputs as Seven
      return (
        backend.fused?.gruRecurrenceBackward?.(xb, hp, ys, h0, w, dys, dh, p.reverse) ??
        composedImpl(backend, 'gruRecurrenceBackward', inputs, gruBackward(p))
      )
    },
    ...through(gruBackward),
  },
}
