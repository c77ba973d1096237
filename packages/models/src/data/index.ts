export * from './batches.js'
export * from './vocab.js'
