/**
 * Tags tell transformations apart. Every `jvp` and `vjp` call takes a fresh tag; a value traced by
 * one call carries its tag. Tags are ordered by creation, and calls nest in the JavaScript call
 * stack, so among the live tags on an operation's arguments the newest belongs to the innermost
 * transformation: that one handles the operation, and treats values of other tags as constants.
 * When a call returns, its tag retires; a value still carrying it has escaped, and using it is an
 * error rather than a silently wrong derivative.
 *
 * @since 0.1.0
 */

/** One transformation call. `alive` turns false when the call returns. */
export interface Tag {
  readonly id: number
  readonly kind: 'jvp' | 'vjp'
  alive: boolean
}

let counter = 0

/** A new tag, newer than every tag before it. */
export const freshTag = (kind: Tag['kind']): Tag => ({ id: ++counter, kind, alive: true })

/** Runs `body` under a fresh tag and retires the tag when it returns or throws. */
export const withTag = <A>(kind: Tag['kind'], body: (tag: Tag) => A): A => {
  const tag = freshTag(kind)
  try {
    return body(tag)
  } finally {
    tag.alive = false
  }
}

/** The error for a value used after the transformation that traced it returned. */
export const escapedTracer = (op: string, tag: Tag): Error =>
  new Error(
    `${op}: escaped tracer: this value was traced by ${tag.kind} call #${tag.id}, which has already returned. ` +
      'Values traced inside jvp/vjp/grad must be returned from the function, not stored outside it and used later.',
  )
