export * from './cases.js'
export * from './KernelCase.js'
