/**
 * The rule table: one entry per primitive, complete or a compile error. Built on first use, so
 * that the cycle "operations → bind → rules → operations" never reads a rule before its module
 * has run.
 *
 * @since 0.1.0
 */
import { binaryRules, castRule, compareRules, stopGradientRule, unaryRules, whereRule } from './elementwise.js'
import { gruGatesRule } from './fused.js'
import type { RuleTable } from './Rule.js'
import { argRules, logSoftmaxRule, logSumExpRule, reduceRules } from './reduce.js'
import { structuralRules } from './structural.js'

let table: RuleTable | undefined

/**
 * Every primitive's rule.
 *
 * @category model
 * @since 0.1.0
 */
export const rulesTable = (): RuleTable => {
  table ??= {
    ...unaryRules,
    ...binaryRules,
    ...compareRules,
    ...reduceRules,
    ...argRules,
    ...structuralRules,
    where: whereRule,
    cast: castRule,
    stopGradient: stopGradientRule,
    logSumExp: logSumExpRule,
    logSoftmax: logSoftmaxRule,
    gruGates: gruGatesRule,
  }
  return table
}
