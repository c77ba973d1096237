import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Compiles backend-cpu's WebAssembly kernels (a generated file) when missing or stale.
    globalSetup: ['./scripts/build-wasm.mjs'],
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', './scripts/count-reporter.ts'],
  },
})
