/**
 * The one error type for bad shapes, axes, dtypes and data. It always names the operation, the
 * argument at fault and the shapes involved, so a message can be acted on without a debugger.
 *
 * @since 0.1.0
 */
import type { Shape } from './Shape.js'

/**
 * What went wrong, as data.
 *
 * @category model
 * @since 0.1.0
 */
export interface ShapeErrorDetails {
  /** The operation that rejected its input, e.g. `'matmul'`. */
  readonly op: string
  /** The argument at fault, e.g. `'b'` or `'axes'`. */
  readonly arg: string
  /** Every shape that took part, by argument name. */
  readonly shapes: Readonly<Record<string, Shape>>
  /** What is wrong, in words. */
  readonly reason: string
}

/**
 * Formats a shape the way messages print it: `[2, 3]`, `[]` for a scalar.
 *
 * @category formatting
 * @since 0.1.0
 */
export const formatShape = (shape: Shape): string => `[${shape.join(', ')}]`

const render = (d: ShapeErrorDetails): string => {
  const shapes = Object.entries(d.shapes)
    .map(([name, s]) => `${name} ${formatShape(s)}`)
    .join(', ')
  return `${d.op}: ${d.reason} (argument '${d.arg}'${shapes.length > 0 ? `; ${shapes}` : ''})`
}

/**
 * Thrown (or returned inside `Left`) when an operation's input does not fit it.
 *
 * @example
 * // matmul: inner dimensions differ: a has 3 columns, b has 4 rows (argument 'b'; a [2, 3], b [4, 5])
 *
 * @category model
 * @since 0.1.0
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError'
  readonly op: string
  readonly arg: string
  readonly shapes: Readonly<Record<string, Shape>>
  readonly reason: string

  constructor(details: ShapeErrorDetails) {
    super(render(details))
    this.op = details.op
    this.arg = details.arg
    this.shapes = details.shapes
    this.reason = details.reason
  }
}

/**
 * Builds a `ShapeError`; a shorthand for rules that return `Either`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const shapeError = (op: string, arg: string, reason: string, shapes: Readonly<Record<string, Shape>> = {}): ShapeError =>
  new ShapeError({ op, arg, reason, shapes })
