export {
  assertConformance,
  backendConformance,
  type ConformanceCheck,
  type ConformanceFailure,
  type ConformanceOptions,
  type ConformancePass,
  type ConformanceResult,
  type ConformanceTolerances,
  registerConformance,
} from './backendConformance.js'
export { kernelCases, kernelCasesOf } from './cases.js'
export { compareOutcomes, defaultLstmTolerance, type LstmCase, lstmAgrees, lstmCase } from './endToEnd.js'
export {
  compareFused,
  composedResult,
  type FusedCase,
  type FusedKernelName,
  fusedCasesOf,
  fusedKernelNames,
} from './fusedCases.js'
export {
  compareKernel,
  defaultTolerance,
  type KernelCase,
  type KernelName,
  kernelCase,
  showCase,
  type Tolerance,
} from './KernelCase.js'
export { initLstm, type LstmOutcome, type LstmParams, type LstmSizes, lstmLayer, lstmOutcome, lstmStep } from './lstm.js'
