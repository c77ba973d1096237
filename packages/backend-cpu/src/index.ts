/**
 * `@recur/backend-cpu`: the CPU implementation of recur's `Backend` interface.
 *
 * @since 0.1.0
 */
export { cpu } from './cpu.js'
export { cpuFast } from './cpuFast.js'
