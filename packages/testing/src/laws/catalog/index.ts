/**
 * The catalog of operations the derivative laws are checked on: every public operation of core,
 * each with an arbitrary of valid float64 inputs away from kinks and domain edges.
 *
 * @since 0.1.0
 */
import { elementwiseCatalog } from './elementwise.js'
import { reductionCatalog } from './reductions.js'
import { structuralCatalog } from './structural.js'
import type { CatalogEntry } from './values.js'

export { catalogShapes, elementwiseCatalog } from './elementwise.js'
export { reductionCatalog } from './reductions.js'
export { permutation, structuralCatalog } from './structural.js'
export * from './values.js'

/**
 * Every entry: elementwise, reductions, structural.
 *
 * @category catalog
 * @since 0.1.0
 */
export const opCatalog: readonly CatalogEntry[] = [...elementwiseCatalog, ...reductionCatalog, ...structuralCatalog]
