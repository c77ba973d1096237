/**
 * `@recur/backend-cpu`: the CPU implementation of recur's `Backend` interface.
 *
 * @since 0.1.0
 */
export { cpu } from './cpu.js'
export { type CpuFastOptions, cpuFast, cpuFastWith } from './cpuFast.js'
