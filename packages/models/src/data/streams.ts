/**
 * Windows over one long stream of token ids for truncated backpropagation through time, laid out
 * as PyTorch's word-language-model example does: the stream is cut into `N` contiguous parts of
 * equal length (the remainder is dropped), part n becomes row n, and window w holds positions
 * `w·k … w·k + k − 1` of every row, with targets one position ahead. Consecutive windows continue
 * every row where the last one stopped, so the state at the end of a window is the right initial
 * state for the next.
 *
 * @since 0.1.0
 */
import { fromFlat, type Tensor } from '@recur/core'
import type { BatchPlace } from './batches.js'

/**
 * One window: `inputs` and `targets` `(N, k')` (k' = k, or less for the last window), ids as
 * integer-valued floats; `tokens` = N·k'.
 *
 * @category model
 * @since 0.1.0
 */
export type StreamBatch = {
  readonly inputs: Tensor
  readonly targets: Tensor
  readonly tokens: number
}

/**
 * The windows of `ids` for `rows` parallel streams and windows of `window` positions.
 * Needs at least `rows + 1` ids (one position per row plus the target of the last).
 *
 * @category data
 * @since 0.1.0
 */
export const streamBatches = (ids: readonly number[], rows: number, window: number, place: BatchPlace): StreamBatch[] => {
  for (const [name, v] of [
    ['rows', rows],
    ['window', window],
  ] as const)
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`streamBatches: ${name} must be a positive integer, got ${v}`)
  const length = Math.floor((ids.length - 1) / rows) // positions per row that have a target
  if (length < 1)
    throw new RangeError(`streamBatches: ${ids.length} ids are too few for ${rows} rows (need at least ${rows + 1})`)
  const opts = { backend: place.backend, dtype: place.dtype ?? 'float32' }
  const out: StreamBatch[] = []
  for (let start = 0; start < length; start += window) {
    const k = Math.min(window, length - start)
    const inputs = new Array<number>(rows * k)
    const targets = new Array<number>(rows * k)
    for (let n = 0; n < rows; n++)
      for (let t = 0; t < k; t++) {
        const at = n * length + start + t
        inputs[n * k + t] = ids[at] ?? 0
        targets[n * k + t] = ids[at + 1] ?? 0
      }
    out.push({ inputs: fromFlat(inputs, [rows, k], opts), targets: fromFlat(targets, [rows, k], opts), tokens: rows * k })
  }
  return out
}
