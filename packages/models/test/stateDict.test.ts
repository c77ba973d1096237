import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cpu } from '@recur/backend-cpu'
import { fromFlat, Random } from '@recur/core'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  config,
  decodeConfig,
  fromSafetensors,
  fromStateDict,
  initParams,
  readSafetensors,
  run,
  toSafetensors,
  toStateDict,
} from '../src/index.js'

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')
interface Indexed {
  file: string
  dtype: 'F32' | 'F64'
  fixtureFile: string
  config: unknown
  tensors: { name: string; shape: number[]; values: number[] }[]
}
const index: { files: Indexed[] } = JSON.parse(readFileSync(join(fixtures, 'safetensors', 'INDEX.json'), 'utf8'))
const right = <A>(r: E.Either<readonly string[] | string, A>): A => {
  if (E.isLeft(r)) throw new Error(String(r.left))
  return r.right
}

describe('safetensors files written for PyTorch state dicts', () => {
  it.each(index.files)('$file: every tensor reads back exactly, and the loaded layer gives the fixture outputs', (f) => {
    const bytes = readFileSync(join(fixtures, 'safetensors', f.file))
    const parsed = right(readSafetensors(bytes))
    for (const t of f.tensors) {
      expect(parsed.tensors[t.name]?.shape).toEqual(t.shape)
      expect(Array.from(parsed.tensors[t.name]?.data ?? [])).toEqual(t.values)
    }
    const c = right(decodeConfig(f.config))
    const params = right(fromSafetensors(c, bytes, { backend: cpu, dtype: 'float64' }))
    const fx = JSON.parse(readFileSync(join(fixtures, f.fixtureFile), 'utf8'))
    const h0 = fx.h0 && fromFlat(fx.h0.data, fx.h0.shape, { backend: cpu, dtype: 'float64' })
    const c0 = fx.c0 && fromFlat(fx.c0.data, fx.c0.shape, { backend: cpu, dtype: 'float64' })
    const r = run(c, params, fromFlat(fx.input.data, fx.input.shape, { backend: cpu, dtype: 'float64' }), {
      ...(h0 ? { h0 } : {}),
      ...(c0 ? { c0 } : {}),
      ...(fx.lengths ? { lengths: fx.lengths } : {}),
    })
    // F64 files hold the fixture's parameters exactly; F32 files hold them rounded to float32
    // (relative error ≤ 2⁻²⁴), which moves these O(1) outputs by well under 1e-5.
    const tol = f.dtype === 'F64' ? 1e-12 : 1e-5
    const got = r.output.toFlat()
    fx.expected.output.data.forEach((v: number, i: number) => {
      expect(Math.abs((got[i] ?? Number.NaN) - v)).toBeLessThanOrEqual(tol)
    })
  })
})

describe('round trips are lossless', () => {
  const c = config({ mode: 'LSTM', inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2 })
  for (const dtype of ['float32', 'float64'] as const) {
    it(`${dtype}: safetensors and JSON`, () => {
      const p = initParams(c, Random.key(7), { backend: cpu, dtype })
      const viaSafe = right(fromSafetensors(c, toSafetensors(p, { note: 'x' }), { backend: cpu }))
      const viaJson = right(fromStateDict(c, JSON.parse(JSON.stringify(toStateDict(p))), { backend: cpu }))
      for (const [name, t] of Object.entries(p)) {
        expect(viaSafe[name]?.dtype).toBe(dtype)
        expect(viaSafe[name]?.toFlat()).toEqual(t.toFlat())
        expect(viaJson[name]?.toFlat()).toEqual(t.toFlat())
        expect(viaJson[name]?.dtype).toBe(dtype)
      }
      expect(right(readSafetensors(toSafetensors(p, { note: 'x' }))).metadata).toEqual({ note: 'x' })
    })
  }
})

describe('bad state dicts and files are clear errors', () => {
  const c = config({ mode: 'GRU', inputSize: 2, hiddenSize: 3 })
  const good = toStateDict(initParams(c, Random.key(1), { backend: cpu, dtype: 'float64' }))
  const load = (d: unknown) => fromStateDict(c, d, { backend: cpu })
  it('names missing, extra, mis-shaped and short entries, all at once', () => {
    const { bias_hh_l0: _, ...missing } = good
    expect(load({ ...missing, weight_ih_l0: { ...good.weight_ih_l0, shape: [9, 3] }, extra_l0: good.bias_ih_l0 })).toEqual(
      E.left([
        'weight_ih_l0: shape [9, 3] but the config needs [9, 2]',
        'bias_hh_l0: missing (the config needs shape [9])',
        'extra_l0: unexpected entry (not a parameter of this config)',
      ]),
    )
    expect(load({ ...good, bias_ih_l0: { shape: [9], data: [1, 2] } })).toEqual(
      E.left(['bias_ih_l0: data has 2 numbers but shape [9] needs 9']),
    )
  })
  it('reports malformed JSON entries with their io-ts path', () => {
    const r = load({ ...good, bias_ih_l0: { shape: [9], data: 'zeros', dtype: 'float16' } })
    expect(E.isLeft(r) && r.left.join('\n')).toMatch(/StateDict\/bias_ih_l0/)
    expect(E.isLeft(r) && r.left.join('\n')).toMatch(/"zeros"/)
  })
  it('rejects truncated and corrupt safetensors files', () => {
    const bytes = toSafetensors(initParams(c, Random.key(1), { backend: cpu, dtype: 'float32' }))
    expect(readSafetensors(bytes.subarray(0, 5))).toEqual(
      E.left('safetensors: the file has 5 bytes, fewer than the 8-byte header length'),
    )
    expect(readSafetensors(bytes.subarray(0, 40))).toSatisfy(
      (r: E.Either<string, unknown>) => E.isLeft(r) && /header claims \d+ bytes but only 32 follow/.test(r.left),
    )
    expect(readSafetensors(bytes.subarray(0, bytes.length - 4))).toSatisfy(
      (r: E.Either<string, unknown>) =>
        E.isLeft(r) && /ends at byte \d+ of the data section, which has only \d+ \(truncated file\?\)/.test(r.left),
    )
    const corrupt = Uint8Array.from(bytes)
    corrupt[9] = 0x7d // '}' inside the JSON header
    expect(readSafetensors(corrupt)).toSatisfy(
      (r: E.Either<string, unknown>) => E.isLeft(r) && r.left.startsWith('safetensors: the header is not valid JSON'),
    )
  })
  it('rejects unsupported dtypes and overlapping tensors', () => {
    const raw = (header: object, dataBytes: number): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header))
      const out = new Uint8Array(8 + json.length + dataBytes)
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true)
      out.set(json, 8)
      return out
    }
    expect(readSafetensors(raw({ a: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, 4))).toEqual(
      E.left('safetensors: tensor \'a\' has dtype "BF16"; recur reads F32 and F64'),
    )
    const two = { dtype: 'F32', shape: [2], data_offsets: [0, 8] }
    expect(readSafetensors(raw({ a: two, b: { ...two, data_offsets: [4, 12] } }, 12))).toEqual(
      E.left("safetensors: tensors 'a' and 'b' overlap"),
    )
    expect(readSafetensors(raw({ a: { ...two, data_offsets: [0, 4] } }, 8))).toEqual(
      E.left("safetensors: tensor 'a' (F32 [2]) needs 8 bytes but data_offsets span 4"),
    )
  })
})
