/**
 * Argument checks shared by the Random modules, and the powers of two they count in. Every check
 * throws a `ShapeError` naming the operation and the argument.
 *
 * @since 0.1.0
 */
import type { TensorOptions } from '../create.js'
import { type DType, isDType } from '../DType.js'
import { check, orThrow, type Shape } from '../Shape.js'
import { shapeError } from '../ShapeError.js'

export const TWO_32 = 4294967296
export const TWO_53 = 9007199254740992

export const isUint32 = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < TWO_32

export const describe = (value: unknown): string => {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object without two uint32 words'
  return typeof value === 'number' ? String(value) : `a ${typeof value}`
}

export const requireCount = (op: string, arg: string, n: unknown, min: number, max: number): number => {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw shapeError(op, arg, `${arg} must be an integer from ${min} to ${max}, got ${describe(n)}`)
  }
  return n
}

export const requireFinite = (op: string, arg: string, x: unknown): number => {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw shapeError(op, arg, `${arg} must be a finite number, got ${describe(x)}`)
  }
  return x
}

export const requireDType = (op: string, options: TensorOptions | undefined): DType => {
  const dtype = options?.dtype ?? 'float32'
  if (!isDType(dtype)) {
    throw shapeError(op, 'options.dtype', `unknown dtype ${JSON.stringify(dtype)}; expected 'float32' or 'float64'`)
  }
  return dtype
}

export const requireShape = (op: string, shape: readonly number[]): Shape => orThrow(check(op, 'shape', shape))
