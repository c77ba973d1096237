export { promoted } from './promoted.js'
export { type KernelCall, type KernelLog, type KernelTotal, type RecordingOptions, recording } from './recording.js'
