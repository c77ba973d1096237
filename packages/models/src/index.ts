/**
 * `@recur/models`: recurrent cells and layers with PyTorch's semantics and parameter names.
 *
 * @since 0.1.0
 */

export * from './cells/cell.js'
export { type CellParams, projectInput, recur, type State, step } from './cells/step.js'
export * from './config.js'
export * from './data/index.js'
export * from './init.js'
export * from './layer.js'
export * from './lm.js'
export * from './losses/index.js'
export * from './optim/index.js'
export * from './params.js'
export * from './safetensors.js'
export * from './stateDict.js'
export * from './stream.js'
export * from './train/step.js'
