/**
 * Checkpoints: every tensor of several named trees (parameters, optimizer state) in one safetensors
 * file, named by its tree path (`params.rnn.weight_ih_l0`, `opt[1].mu.embedding`, …), with the
 * JSON metadata (config, vocabulary, step, PRNG key, …) stored in the file's `__metadata__`.
 *
 * Saving is atomic: the bytes go to a temporary file in the same directory, which is then renamed
 * over the target, so a crash mid-save leaves the previous checkpoint intact and never a half-written
 * one. Loading rebuilds each tree from a template of the same structure (e.g. freshly initialised
 * parameters) and checks every path, shape and dtype; the metadata is decoded with io-ts.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Backend, fromFlat, Tree, type TreeT } from '@recur/core'
import { readSafetensors, type SafeTensor, writeSafetensors } from '@recur/models'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import type * as t from 'io-ts'

/** The bytes of a checkpoint of `trees` with `meta`. */
export const encodeCheckpoint = (trees: Readonly<Record<string, TreeT>>, meta: unknown): Uint8Array => {
  const tensors: Record<string, SafeTensor> = {}
  for (const [root, tree] of Object.entries(trees)) {
    const [leaves] = Tree.flatten(tree, root)
    Tree.paths(tree, root).forEach((path, i) => {
      const leaf = leaves[i]
      if (leaf !== undefined)
        tensors[path] = { dtype: leaf.dtype === 'float32' ? 'F32' : 'F64', shape: leaf.shape, data: leaf.toTypedArray() }
    })
  }
  return writeSafetensors(tensors, { recur: JSON.stringify(meta) })
}

/** Writes a checkpoint atomically (temporary file + rename). */
export const saveCheckpoint = (file: string, trees: Readonly<Record<string, TreeT>>, meta: unknown): void => {
  const tmp = join(dirname(file), `.${process.pid}.${Date.now()}.tmp`)
  try {
    writeFileSync(tmp, encodeCheckpoint(trees, meta))
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
}

/**
 * io-ts errors as short, path-precise phrases: `version is 1, expected 2; data is missing, expected
 * { dataset: "names" | "brown", … }` (long type names are cut).
 */
export const describeErrors = (errors: t.Errors): string =>
  errors
    .map((e) => {
      const path = e.context
        .map((c) => c.key)
        .filter((k) => k !== '')
        .join('.')
      const name = e.context.at(-1)?.type.name ?? 'a value'
      const expected = name.length > 60 ? `${name.slice(0, 57)}…` : name
      const got = e.value === undefined ? 'is missing' : `is ${JSON.stringify(e.value)}`
      return `${path === '' ? 'the metadata' : path} ${got}, expected ${expected}`
    })
    .join('; ')

/** Reads the metadata of checkpoint bytes, decoded with `codec`. */
export const checkpointMeta = <M>(bytes: Uint8Array, codec: t.Type<M, unknown>): E.Either<string, M> =>
  pipe(
    readSafetensors(bytes),
    E.chain(({ metadata }) => {
      const text = metadata.recur
      if (text === undefined) return E.left('checkpoint: no recur metadata in this safetensors file (is it a recur checkpoint?)')
      try {
        return E.right<string, unknown>(JSON.parse(text))
      } catch {
        return E.left('checkpoint: the metadata is not valid JSON')
      }
    }),
    E.chain((u) =>
      pipe(
        codec.decode(u),
        E.mapLeft((errors) => `checkpoint: ${describeErrors(errors)}`),
      ),
    ),
  )

/** Rebuilds trees shaped like `templates` from checkpoint bytes, checking every path and shape. */
export const checkpointTrees = <T extends Readonly<Record<string, TreeT>>>(
  bytes: Uint8Array,
  templates: T,
  backend: Backend,
): E.Either<string, T> =>
  pipe(
    readSafetensors(bytes),
    E.chain(({ tensors }) => {
      const out: Record<string, TreeT> = {}
      for (const [root, template] of Object.entries(templates)) {
        const [leaves, def] = Tree.flatten(template, root)
        const paths = Tree.paths(template, root)
        const filled = []
        for (const [i, path] of paths.entries()) {
          const want = leaves[i]
          const got = tensors[path]
          if (want === undefined) continue
          if (got === undefined) return E.left(`checkpoint: '${path}' is missing`)
          if (got.shape.join() !== want.shape.join())
            return E.left(`checkpoint: '${path}' has shape [${got.shape.join(', ')}] but [${want.shape.join(', ')}] is expected`)
          filled.push(fromFlat(got.data, got.shape, { backend, dtype: got.dtype === 'F32' ? 'float32' : 'float64' }))
        }
        out[root] = Tree.unflatten(def, filled)
      }
      return E.right(out as T)
    }),
  )
