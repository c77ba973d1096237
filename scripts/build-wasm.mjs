// Compiles the AssemblyScript kernels of @recur/backend-cpu (packages/backend-cpu/assembly/*.ts) to
// packages/backend-cpu/wasm/matmul.wasm (SIMD128, on an imported shared memory), a generated, gitignored file. Skips the work
// when the .wasm is newer than every source (and this script). Run by every entry point that loads
// the backend: `build`, `main`, `smoke`, the benches (package scripts) and vitest (as its global
// setup, see vitest.config.ts). Usage: `node scripts/build-wasm.mjs`.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const script = fileURLToPath(import.meta.url)
const pkg = join(dirname(script), '..', 'packages', 'backend-cpu')
const output = join(pkg, 'wasm', 'matmul.wasm')

/** Compiles the kernels unless the output is up to date; throws when the compiler fails. */
export const buildWasm = () => {
  const assembly = join(pkg, 'assembly')
  const sources = [script, ...readdirSync(assembly).map((f) => join(assembly, f))]
  const newest = Math.max(...sources.map((s) => statSync(s).mtimeMs))
  if (existsSync(output) && statSync(output).mtimeMs > newest) return
  const asc = join(pkg, 'node_modules', 'assemblyscript', 'bin', 'asc.js')
  if (!existsSync(asc)) throw new Error(`build-wasm: ${asc} not found; run \`npx -y pnpm@10.34.9 install\` first`)
  mkdirSync(dirname(output), { recursive: true })
  // Compile to a temporary name and rename, so a concurrent reader never sees a partial file.
  const temporary = `${output}.${process.pid}.tmp`
  // shared memory, imported: worker threads instantiate the same module on the same memory
  // (kernels/threads.ts); 65536 pages = 4 GiB, the most a 32-bit memory can address
  const memory = ['--initialMemory', '1', '--importMemory', '--sharedMemory', '--maximumMemory', '65536']
  const flags = ['--enable', 'simd', '--enable', 'threads', '-O3', '--runtime', 'stub', '--noAssert', ...memory]
  const run = spawnSync(process.execPath, [asc, join(assembly, 'matmul.ts'), ...flags, '--outFile', temporary], {
    cwd: pkg,
    stdio: 'inherit',
  })
  if (run.status !== 0) {
    rmSync(temporary, { force: true })
    throw new Error(`build-wasm: asc failed (exit ${run.status ?? run.signal})`)
  }
  renameSync(temporary, output)
  console.log(`build-wasm: compiled ${output}`)
}

/** vitest global setup: the tests load the backend from its sources, which read the .wasm. */
export default buildWasm

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  try {
    buildWasm()
  } catch (e) {
    console.error(e instanceof Error ? e.message : e)
    process.exit(1)
  }
}
