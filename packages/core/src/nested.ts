/**
 * Nested number arrays: shape inference with precise errors for ragged input, flattening, and the
 * inverse.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'
import type { ReadonlyData } from './Backend.js'
import type { Shape } from './Shape.js'
import { type ShapeError, shapeError } from './ShapeError.js'

/**
 * A number or arbitrarily nested arrays of numbers.
 *
 * @category model
 * @since 0.1.0
 */
export type Nested = number | readonly Nested[]

const path = (at: readonly number[]): string => `data${at.map((i) => `[${i}]`).join('')}`

/**
 * Infers the shape of nested arrays and flattens them in row-major order. Fails on ragged arrays,
 * non-numbers and non-arrays, naming the first offending position.
 *
 * @category constructors
 * @since 0.1.0
 */
export const flatten = (op: string, data: unknown): E.Either<ShapeError, { shape: Shape; flat: number[] }> => {
  const shape: number[] = []
  for (let probe: unknown = data; Array.isArray(probe); probe = probe[0]) {
    shape.push(probe.length)
    if (probe.length === 0) break
  }
  const flat: number[] = []
  const walk = (value: unknown, depth: number, at: number[]): ShapeError | undefined => {
    if (depth === shape.length) {
      if (typeof value === 'number') {
        flat.push(value)
        return undefined
      }
      const what = Array.isArray(value) ? 'an array (deeper than its siblings)' : `a ${typeof value}`
      return shapeError(op, 'data', `ragged or invalid nested array: ${path(at)} is ${what}, expected a number`, {
        inferred: shape,
      })
    }
    if (!Array.isArray(value)) {
      return shapeError(
        op,
        'data',
        `ragged nested array: ${path(at)} is ${typeof value === 'number' ? 'a number' : `a ${typeof value}`}, expected an array of length ${shape[depth]}`,
        {
          inferred: shape,
        },
      )
    }
    if (value.length !== shape[depth]) {
      return shapeError(
        op,
        'data',
        `ragged nested array: ${path(at)} has length ${value.length}, expected ${shape[depth]} (as ${path(at.map(() => 0))})`,
        {
          inferred: shape,
        },
      )
    }
    for (let i = 0; i < value.length; i++) {
      const err = walk(value[i], depth + 1, [...at, i])
      if (err !== undefined) return err
    }
    return undefined
  }
  const err = walk(data, 0, [])
  return err === undefined ? E.right({ shape, flat }) : E.left(err)
}

/**
 * Rebuilds nested arrays (or a plain number for shape `[]`) from row-major data.
 *
 * @category destructors
 * @since 0.1.0
 */
export const nest = (data: ReadonlyData, shape: Shape): Nested => {
  const go = (offset: number, depth: number): Nested => {
    if (depth === shape.length) return data[offset] ?? Number.NaN
    const n = shape[depth] ?? 0
    let stride = 1
    for (let i = depth + 1; i < shape.length; i++) stride *= shape[i] ?? 1
    return Array.from({ length: n }, (_, i) => go(offset + i * stride, depth + 1))
  }
  return go(0, 0)
}
