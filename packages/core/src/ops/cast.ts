/**
 * Conversion between dtypes.
 *
 * @since 0.1.0
 */

import { bind } from '../autodiff/bind.js'
import { type DType, isDType } from '../DType.js'
import { shapeError } from '../ShapeError.js'
import type { Tensor } from '../Tensor.js'
import { expectTensor } from './args.js'

/**
 * The elements of `x` in `dtype` (float64 → float32 rounds to nearest). `x`: any shape; returns
 * `x.shape`. Returns `x` itself when it already has `dtype`.
 *
 * @category conversions
 * @since 0.1.0
 */
export const cast = (x: Tensor, dtype: DType): Tensor => {
  const t = expectTensor('cast', 'x', x)
  if (!isDType(dtype))
    throw shapeError('cast', 'dtype', `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`, { x: t.shape })
  return t.dtype === dtype ? t : bind('cast', [t], { dtype })
}
