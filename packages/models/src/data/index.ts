export * from './batches.js'
export * from './vocab.js'
export * from './streams.js'
export * from './tagged.js'
