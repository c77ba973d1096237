/**
 * The fused LSTM / GRU gate kernels in float32 (f32x4), compiled into the same module as the
 * matmul (`matmul.ts` re-exports them). Work in progress.
 */

/** Placeholder until the gate kernels land. */
export function gatesVersion(): i32 {
  return 0
}
