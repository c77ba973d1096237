/**
 * State dicts: layer parameters by PyTorch's names, in and out, lossless. Two forms:
 * - JSON: `{ name: { shape, data, dtype? } }` (`data` flat, row-major);
 * - safetensors bytes (F32 or F64), as `safetensors.torch.save_file(module.state_dict())` writes.
 *
 * Loading decodes with io-ts and checks the dict against the config: a missing entry, an extra
 * entry, a wrong shape, a data length that does not fit, or an unsupported dtype is a `Left` that
 * names the entry (and both shapes). All problems are reported at once.
 *
 * @since 0.1.0
 */
import { type Backend, type DType, fromFlat, type Tensor } from '@recur/core'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import { PathReporter } from 'io-ts/lib/PathReporter.js'
import type { Config } from './config.js'
import { type LayerParams, paramShapes } from './params.js'
import { readSafetensors, type SafeTensor, writeSafetensors } from './safetensors.js'

/**
 * The io-ts codec of the JSON form.
 *
 * @category codecs
 * @since 0.1.0
 */
export const StateDictCodec = t.record(
  t.string,
  t.intersection([
    t.type({ shape: t.array(t.number), data: t.array(t.number) }),
    t.partial({ dtype: t.keyof({ float32: null, float64: null }) }),
  ]),
  'StateDict',
)

/**
 * The JSON form of a state dict.
 *
 * @category model
 * @since 0.1.0
 */
export type StateDict = t.TypeOf<typeof StateDictCodec>

/**
 * Where loaded parameters live; `dtype` converts (default: as stored, float32 for JSON without one).
 *
 * @category model
 * @since 0.1.0
 */
export interface LoadOptions {
  readonly backend: Backend
  readonly dtype?: DType
}

type Entry = { readonly shape: readonly number[]; readonly values: ArrayLike<number>; readonly dtype: DType }

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`

/** Checks entries against the config's parameters and builds the tensors. */
const build = (
  c: Config,
  entries: Readonly<Record<string, Entry>>,
  options: LoadOptions,
): E.Either<readonly string[], LayerParams> => {
  const wanted = paramShapes(c)
  const names = new Set(wanted.map(([n]) => n))
  const problems: string[] = []
  for (const [name, shape] of wanted) {
    const e = entries[name]
    if (e === undefined) problems.push(`${name}: missing (the config needs shape ${fmt(shape)})`)
    else if (e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i]))
      problems.push(`${name}: shape ${fmt(e.shape)} but the config needs ${fmt(shape)}`)
    else if (e.values.length !== shape.reduce((a, b) => a * b, 1))
      problems.push(
        `${name}: data has ${e.values.length} numbers but shape ${fmt(shape)} needs ${shape.reduce((a, b) => a * b, 1)}`,
      )
  }
  for (const name of Object.keys(entries))
    if (!names.has(name)) problems.push(`${name}: unexpected entry (not a parameter of this config)`)
  if (problems.length > 0) return E.left(problems)
  return E.right(
    Object.fromEntries(
      wanted.map(([name, shape]) => {
        const e = entries[name] as Entry
        return [name, fromFlat(e.values, shape, { backend: options.backend, dtype: options.dtype ?? e.dtype })]
      }),
    ),
  )
}

/**
 * Loads parameters from the JSON form (e.g. parsed from a file), checked against `config`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const fromStateDict = (c: Config, dict: unknown, options: LoadOptions): E.Either<readonly string[], LayerParams> =>
  pipe(
    StateDictCodec.decode(dict),
    E.mapLeft((errors) => PathReporter.report(E.left(errors))),
    E.chain((d) =>
      build(
        c,
        Object.fromEntries(
          Object.entries(d).map(([k, v]) => [k, { shape: v.shape, values: v.data, dtype: v.dtype ?? 'float32' }]),
        ),
        options,
      ),
    ),
  )

/**
 * The JSON form of parameters: shape, flat data and dtype per name (lossless for float64; float32
 * values are exact in JSON too).
 *
 * @category encoding
 * @since 0.1.0
 */
export const toStateDict = (params: LayerParams): StateDict =>
  Object.fromEntries(
    Object.entries(params).map(([k, v]: [string, Tensor]) => [k, { shape: [...v.shape], data: v.toFlat(), dtype: v.dtype }]),
  )

/**
 * Loads parameters from safetensors bytes, checked against `config`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const fromSafetensors = (c: Config, bytes: Uint8Array, options: LoadOptions): E.Either<readonly string[], LayerParams> =>
  pipe(
    readSafetensors(bytes),
    E.mapLeft((e): readonly string[] => [e]),
    E.chain(({ tensors }) =>
      build(
        c,
        Object.fromEntries(
          Object.entries(tensors).map(([k, v]) => [
            k,
            { shape: v.shape, values: v.data, dtype: v.dtype === 'F32' ? 'float32' : 'float64' },
          ]),
        ),
        options,
      ),
    ),
  )

/**
 * Parameters as safetensors bytes (each tensor in its own dtype: float32 → F32, float64 → F64).
 *
 * @category encoding
 * @since 0.1.0
 */
export const toSafetensors = (params: LayerParams, metadata: Readonly<Record<string, string>> = {}): Uint8Array =>
  writeSafetensors(
    Object.fromEntries(
      Object.entries(params).map(([k, v]): [string, SafeTensor] => [
        k,
        { dtype: v.dtype === 'float32' ? 'F32' : 'F64', shape: v.shape, data: v.toTypedArray() },
      ]),
    ),
    metadata,
  )
