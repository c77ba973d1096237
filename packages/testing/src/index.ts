/**
 * `@recur/testing`: the reference backend, fast-check arbitraries, and the kernel conformance
 * cases that any backend can be checked against.
 *
 * @since 0.1.0
 */

export * from './arbitraries/operand.js'
export * from './arbitraries/shape.js'
export * from './conformance/index.js'
export { reference } from './reference.js'
