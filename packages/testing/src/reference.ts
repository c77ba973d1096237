/**
 * The reference backend: the living definition of every kernel's semantics.
 *
 * Every kernel reads its operands as plain JavaScript numbers, computes each result in float64 with
 * naive nested index arithmetic, and only then writes it into a fresh typed array of the output
 * dtype (which rounds each value once for `'float32'`). It is slow on purpose: it should be
 * obviously correct, so that other backends can be tested against it.
 *
 * @since 0.1.0
 */
import type { Backend } from '@recur/core'
import { binary, compare, unary, where } from './reference/elementwise.js'
import { cast, fill, gather, oneHot, scatterAdd } from './reference/indexing.js'
import { concat, pad, reshape, slice, transpose } from './reference/layout.js'
import { argReduce, matmul, reduce } from './reference/reduce.js'

/**
 * The reference backend, named `'reference'`.
 *
 * @category instances
 * @since 0.1.0
 */
export const reference: Backend = {
  name: 'reference',
  unary,
  binary,
  compare,
  where,
  reduce,
  argReduce,
  matmul,
  transpose,
  reshape,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  oneHot,
  cast,
  fill,
}
