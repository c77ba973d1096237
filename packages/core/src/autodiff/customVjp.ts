/**
 * Custom reverse-mode rules (JAX's `custom_vjp`): `customVjp(f, { fwd, bwd })` computes `f`, but
 * under reverse mode it records ONE node for the whole call, whose backward pass is `bwd`. It is
 * how a whole computation (a recurrence over a sequence) gets a hand-written pullback: the forward
 * pass saves what the backward pass needs (`fwd` returns `[output, residuals]`), and the backward
 * pass maps the residuals and the output's cotangent to the arguments' cotangents.
 *
 * - No transformation, or forward mode (`jvp`) innermost: `f` runs as it is (forward mode
 *   differentiates `f` itself).
 * - Reverse mode innermost: `fwd` runs on the primals (one level down, where outer
 *   transformations see it), and the call becomes one node. `bwd` is written in differentiable
 *   operations, so the pullback can be differentiated again: grad of grad, and forward-over-
 *   reverse Hessian-vector products (`hvp`), see outer tracers flow through `fwd`'s residuals
 *   and `bwd`.
 *
 * Laws (what the user promises): `fwd(...args)[0]` equals `f(...args)`, and `bwd(res, ct)` is
 * the vector-Jacobian product of `f` at `args` (Jᵀ·ct), with the structure of `args`.
 *
 * Values traced by the recording transformation (or by a transformation nested inside it) must
 * be explicit arguments: `fwd` closing over one (a weight captured from the enclosing scope) is an
 * error, since `bwd` could not give it a cotangent. Values of outer transformations may be closed
 * over freely. When no argument is traced at all, `f` runs as it is and whatever it closes over
 * is differentiated through `f`'s own operations.
 *
 * @since 0.1.0
 */
import { zerosLike } from '../create.js'
import { type Tensor, traced, traceOf } from '../Tensor.js'
import { flatten, type Tree, unflatten } from '../Tree.js'
import { checkLike } from './args.js'
import { newest, rewriteInput, rewriting, withRewrite } from './bind.js'
import type { Tag } from './Tag.js'
import { type Node, type NodeRef, nextNodeId } from './Trace.js'

/**
 * The rules of {@link customVjp}: `fwd` gives `f`'s output and the residuals `bwd` needs; `bwd`
 * maps the residuals and the output's cotangent to one cotangent per argument (a tuple with the
 * structure, shapes and dtypes of the arguments).
 *
 * @category transformations
 * @since 0.1.0
 */
export interface CustomVjpRules<A extends readonly Tree[], O extends Tree, R extends Tree> {
  readonly fwd: (...args: A) => readonly [O, R]
  /**
   * `wanted[i]` is false when the recording transformation differentiates no leaf of argument
   * `i` (a constant input): its cotangent is then discarded, and `bwd` may skip computing it
   * (returning zeros of its shape).
   */
  readonly bwd: (residuals: R, cotangent: O, wanted: readonly boolean[]) => A
}

const closureError = (name: string, tag: Tag): Error =>
  new Error(
    `${name}: the forward function uses a value traced by ${tag.kind} call #${tag.id} that is not one of its arguments ` +
      '(a closed-over tracer). customVjp gives cotangents to its arguments only: pass the value as an argument.',
  )

/**
 * `f` with a custom pullback: the same values as `f`; under reverse mode one node whose backward
 * pass is `rules.bwd` (see the module header). `name` labels errors.
 *
 * @example
 * const square = customVjp((x: Tensor) => mul(x, x), {
 *   fwd: (x) => [mul(x, x), x],
 *   bwd: (x, ct) => [mul(mul(ct, x), 2)],
 * })
 *
 * @category transformations
 * @since 0.1.0
 */
export const customVjp =
  <A extends readonly Tree[], O extends Tree, R extends Tree>(
    f: (...args: A) => O,
    rules: CustomVjpRules<A, O, R>,
    name = 'customVjp',
  ): ((...args: A) => O) =>
  (...args: A): O => {
    const [given, def] = flatten(args, 'args')
    // nothing traced and nothing to rewrite (plain evaluation, a streaming step): just `f`
    if (!rewriting() && given.every((l) => traceOf(l) === undefined)) return f(...args)
    const leaves = given.map(rewriteInput)
    const top = newest(name, leaves)
    if (top === undefined || top.kind !== 'tape') return f(...(unflatten(def, leaves) as A))
    const tag = top.tag
    const own = leaves.map((l) => {
      const tr = traceOf(l)
      return tr?.kind === 'tape' && tr.tag === tag ? tr : undefined
    })
    const primalArgs = unflatten(
      def,
      leaves.map((l, i) => own[i]?.primal ?? l),
    ) as A
    let leaf = 0
    const wanted = args.map((a) => {
      const n = flatten(a)[0].length
      leaf += n
      return own.slice(leaf - n, leaf).some((tr) => tr !== undefined)
    })
    const captured = new Set<Tensor>()
    const [out, residuals] = withRewrite({ suspend: { tag, captured } }, () => rules.fwd(...primalArgs))
    const [outs, outDef] = flatten(out, 'output')
    // a value of this tag or of a newer (inner) transformation can only come from a closure
    const leaked = [...flatten(residuals, 'residuals')[0], ...outs].some((t) => (traceOf(t)?.tag.id ?? 0) >= tag.id)
    if (captured.size > 0 || leaked) throw closureError(name, tag)
    const node: Node = {
      id: nextNodeId(),
      outputs: outs.length,
      inputs: own.map((tr) => tr?.ref),
      backward: (cts) => {
        const ct = unflatten(
          outDef,
          outs.map((o, i) => cts[i] ?? zerosLike(o)),
        ) as O
        const grads = rules.bwd(residuals, ct, wanted)
        checkLike(name, 'bwd result', 'arguments', primalArgs, grads)
        return flatten(grads, 'bwd result')[0]
      },
    }
    return unflatten(
      outDef,
      outs.map((primal, index): Tensor => traced({ kind: 'tape', tag, primal, ref: { node, index } satisfies NodeRef })),
    ) as O
  }
