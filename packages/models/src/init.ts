/**
 * Initialisers for recurrent weights. Each draws from an explicit key and returns a tensor of the
 * requested shape `[rows, cols]` (PyTorch's `[fan_out, fan_in]` layout for `weight_ih`/`weight_hh`):
 *
 * - `defaultUniform` — PyTorch's default for RNN layers: U(−1/√H, 1/√H);
 * - `xavierUniform` / `xavierNormal` — Glorot: variance 2/(fan_in + fan_out), times `gain²`;
 * - `orthogonal` — a uniformly random matrix with orthonormal rows or columns (QR of a Gaussian
 *   matrix with the sign fix, as `torch.nn.init.orthogonal_`), by blocked Householder reflections
 *   in float64 whose updates run on the backend's matmul kernel (see `qr.ts`);
 * - `identity` — `gain · I` (IRNN: Le, Jaitly & Hinton 2015, for ReLU RNNs), square only.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, defaultBackend, fromFlat, Random, shapeError, type Tensor } from '@recur/core'
import { thinQ } from './qr.js'

/**
 * Where an initialised tensor lives.
 *
 * @category model
 * @since 0.1.0
 */
export interface TensorPlace {
  readonly dtype?: DType
  readonly backend?: Backend
}

const matrix = (op: string, shape: readonly number[]): readonly [number, number] => {
  const [rows, cols] = shape
  if (
    shape.length !== 2 ||
    rows === undefined ||
    cols === undefined ||
    !Number.isInteger(rows) ||
    !Number.isInteger(cols) ||
    rows < 1 ||
    cols < 1
  ) {
    throw shapeError(op, 'shape', 'needs a matrix shape [rows, cols] with positive dimensions', { shape })
  }
  return [rows, cols]
}

/**
 * U(−1/√hiddenSize, 1/√hiddenSize): PyTorch's default for every RNN/LSTM/GRU parameter.
 *
 * @category initialisers
 * @since 0.1.0
 */
export const defaultUniform = (
  key: Random.Key,
  shape: readonly number[],
  hiddenSize: number,
  place: TensorPlace = {},
): Tensor => {
  const bound = 1 / Math.sqrt(hiddenSize)
  return Random.uniform(key, shape, { ...place, min: -bound, max: bound })
}

/**
 * Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)). `shape`: `[fan_out, fan_in]`.
 *
 * @category initialisers
 * @since 0.1.0
 */
export const xavierUniform = (key: Random.Key, shape: readonly number[], gain = 1, place: TensorPlace = {}): Tensor => {
  const [rows, cols] = matrix('xavierUniform', shape)
  const a = gain * Math.sqrt(6 / (rows + cols))
  return Random.uniform(key, shape, { ...place, min: -a, max: a })
}

/**
 * Glorot normal: N(0, gain²·2 / (fan_in + fan_out)). `shape`: `[fan_out, fan_in]`.
 *
 * @category initialisers
 * @since 0.1.0
 */
export const xavierNormal = (key: Random.Key, shape: readonly number[], gain = 1, place: TensorPlace = {}): Tensor => {
  const [rows, cols] = matrix('xavierNormal', shape)
  return Random.normal(key, shape, { ...place, std: gain * Math.sqrt(2 / (rows + cols)) })
}

/**
 * A random matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols), times `gain`, as
 * `torch.nn.init.orthogonal_`.
 *
 * @category initialisers
 * @since 0.1.0
 */
export const orthogonal = (key: Random.Key, shape: readonly number[], gain = 1, place: TensorPlace = {}): Tensor => {
  const [rows, cols] = matrix('orthogonal', shape)
  const tall = rows >= cols
  const [m, n] = tall ? [rows, cols] : [cols, rows]
  const g = Random.normal(key, [m * n], {
    dtype: 'float64',
    ...(place.backend === undefined ? {} : { backend: place.backend }),
  }).toTypedArray()
  const q = thinQ(place.backend ?? defaultBackend(), Float64Array.from(g), m, n)
  // q is column-major m × n; the result is rows × cols row-major: Q itself if tall, else Qᵀ
  const out = new Array<number>(rows * cols)
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? (q[c * m + r] ?? 0) : (q[r * m + c] ?? 0))
  return fromFlat(out, [rows, cols], place)
}

/**
 * `gain · I`: the identity recurrent matrix of IRNN. `shape` must be square.
 *
 * @category initialisers
 * @since 0.1.0
 */
export const identity = (shape: readonly number[], gain = 1, place: TensorPlace = {}): Tensor => {
  const [rows, cols] = matrix('identity', shape)
  if (rows !== cols) throw shapeError('identity', 'shape', 'the identity initialiser needs a square matrix', { shape })
  return fromFlat(
    Array.from({ length: rows * cols }, (_, i) => (Math.floor(i / cols) === i % cols ? gain : 0)),
    shape,
    place,
  )
}
