export * from './batches.js'
export * from './streams.js'
export * from './tagged.js'
export * from './vocab.js'
