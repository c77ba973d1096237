/**
 * The safetensors file format (as written by `safetensors.torch.save_file`): an 8-byte
 * little-endian header length N, N bytes of JSON header `{ name: { dtype, shape, data_offsets },
 * "__metadata__"?: { string: string } }`, then the raw little-endian tensor bytes. recur reads and
 * writes F32 and F64 tensors; any other dtype, and every inconsistency of a damaged file, is a
 * `Left` with a message that says what is wrong — never a crash or a silent zero.
 *
 * @since 0.1.0
 */
import * as E from 'fp-ts/lib/Either.js'

/**
 * One tensor of a safetensors file.
 *
 * @category model
 * @since 0.1.0
 */
export type SafeTensor = {
  readonly dtype: 'F32' | 'F64'
  readonly shape: readonly number[]
  readonly data: Float32Array | Float64Array
}

/**
 * A parsed file: tensors by name, and the string metadata.
 *
 * @category model
 * @since 0.1.0
 */
export type SafeTensors = {
  readonly tensors: Readonly<Record<string, SafeTensor>>
  readonly metadata: Readonly<Record<string, string>>
}

const width = { F32: 4, F64: 8 } as const
const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)
const isDims = (u: unknown): u is number[] => Array.isArray(u) && u.every((d) => Number.isInteger(d) && d >= 0)

/** One checked header entry: name, dtype, shape, and its byte range in the data section. */
type Entry = readonly [name: string, dtype: 'F32' | 'F64', shape: readonly number[], begin: number, end: number]

/** A checked header. */
type Header = { readonly entries: readonly Entry[]; readonly meta: Readonly<Record<string, string>> }

/** Parses the JSON header and checks every entry; offsets are relative to the data section. */
const parseHeader = (text: string, dataBytes: number): E.Either<string, Header> => {
  let header: unknown
  try {
    header = JSON.parse(text)
  } catch (e) {
    return E.left(`safetensors: the header is not valid JSON (${(e as Error).message})`)
  }
  if (!isRecord(header)) return E.left('safetensors: the header must be a JSON object')
  const entries: Entry[] = []
  let meta: Record<string, string> = {}
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'string'))
        return E.left('safetensors: __metadata__ must map strings to strings')
      meta = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]))
      continue
    }
    if (!isRecord(v)) return E.left(`safetensors: entry '${name}' must be an object`)
    const { dtype, shape, data_offsets: offsets } = v
    if (dtype !== 'F32' && dtype !== 'F64')
      return E.left(`safetensors: tensor '${name}' has dtype ${JSON.stringify(dtype)}; recur reads F32 and F64`)
    if (!isDims(shape)) return E.left(`safetensors: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`)
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((x) => Number.isInteger(x) && x >= 0)) {
      return E.left(`safetensors: tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}`)
    }
    const [begin, end] = offsets as [number, number]
    const expected = shape.reduce((a, b) => a * b, 1) * width[dtype]
    if (end - begin !== expected)
      return E.left(
        `safetensors: tensor '${name}' (${dtype} [${shape.join(', ')}]) needs ${expected} bytes but data_offsets span ${end - begin}`,
      )
    if (end > dataBytes)
      return E.left(
        `safetensors: tensor '${name}' ends at byte ${end} of the data section, which has only ${dataBytes} (truncated file?)`,
      )
    entries.push([name, dtype, shape, begin, end])
  }
  const sorted = [...entries].sort((a, b) => a[3] - b[3])
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]
    const cur = sorted[i]
    if (prev !== undefined && cur !== undefined && cur[3] < prev[4])
      return E.left(`safetensors: tensors '${prev[0]}' and '${cur[0]}' overlap`)
  }
  return E.right({ entries, meta })
}

/**
 * Reads a safetensors file. Tensor data is copied out of `bytes`.
 *
 * @category decoding
 * @since 0.1.0
 */
export const readSafetensors = (bytes: Uint8Array): E.Either<string, SafeTensors> => {
  if (bytes.length < 8) return E.left(`safetensors: the file has ${bytes.length} bytes, fewer than the 8-byte header length`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = Number(view.getBigUint64(0, true))
  if (n > bytes.length - 8)
    return E.left(
      `safetensors: the header claims ${n} bytes but only ${bytes.length - 8} follow (truncated or not a safetensors file)`,
    )
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(8, 8 + n))
  const dataStart = 8 + n
  return E.map(({ entries, meta }: Header) => {
    const tensors: Record<string, SafeTensor> = {}
    for (const [name, dtype, shape, begin, end] of entries) {
      // Read through the caller's byte offset: Node's Buffers are views into a shared pool.
      const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin)
      const count = (end - begin) / width[dtype]
      const data = dtype === 'F32' ? new Float32Array(count) : new Float64Array(count)
      for (let i = 0; i < count; i++) data[i] = dtype === 'F32' ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true)
      tensors[name] = { dtype, shape, data }
    }
    return { tensors, metadata: meta }
  })(parseHeader(text, bytes.length - dataStart))
}

/**
 * Writes a safetensors file: tensors laid out in name order, the header padded with spaces to a
 * multiple of 8 bytes (as the reference writer does).
 *
 * @category encoding
 * @since 0.1.0
 */
export const writeSafetensors = (
  tensors: Readonly<Record<string, SafeTensor>>,
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array => {
  const names = Object.keys(tensors).sort()
  let offset = 0
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {}
  for (const name of names) {
    const t = tensors[name] as SafeTensor
    const bytes = t.data.length * width[t.dtype]
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] }
    offset += bytes
  }
  let json = JSON.stringify(header)
  const encoder = new TextEncoder()
  while (encoder.encode(json).length % 8 !== 0) json += ' '
  const head = encoder.encode(json)
  const out = new Uint8Array(8 + head.length + offset)
  const view = new DataView(out.buffer)
  view.setBigUint64(0, BigInt(head.length), true)
  out.set(head, 8)
  let at = 8 + head.length
  for (const name of names) {
    const t = tensors[name] as SafeTensor
    for (const v of t.data) {
      if (t.dtype === 'F32') view.setFloat32(at, v, true)
      else view.setFloat64(at, v, true)
      at += width[t.dtype]
    }
  }
  return out
}
