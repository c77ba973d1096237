/**
 * `@recur/testing`: the reference backend, fast-check arbitraries, the derivative, scan and RNN
 * layer laws, and the kernel conformance cases that any backend can be checked against.
 *
 * @since 0.1.0
 */

export * from './arbitraries/operand.js'
export * from './arbitraries/programs.js'
export * from './arbitraries/rnn.js'
export * from './arbitraries/rnnGrid.js'
export * from './arbitraries/shape.js'
export * from './backends/index.js'
export * from './conformance/index.js'
export * as Catalog from './laws/catalog/index.js'
export * from './laws/gradcheck.js'
export * from './laws/gradients.js'
export * from './laws/hessian.js'
export * from './laws/program.js'
export * from './laws/rnn/gradient.js'
export * from './laws/rnn/layer.js'
export * from './laws/rnn/semantics.js'
export * from './laws/scan.js'
export * from './laws/tree.js'
export { reference } from './reference.js'
