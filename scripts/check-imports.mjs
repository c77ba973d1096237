// Guards against imports that pass tsc and vitest but break compiled ESM on Node:
// fp-ts / io-ts directory imports such as 'fp-ts/Either' (ERR_UNSUPPORTED_DIR_IMPORT) and
// 'fp-ts/lib/X' without the '.js' extension. Also rejects imports that break the layering
// (core must never import another @recur package; models/testing/backends import only core).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

const allowed = {
  'packages/core': [],
  'packages/backend-cpu': ['core'],
  'packages/testing': ['core'],
  'packages/models': ['core'],
  'apps/cli': ['core', 'models', 'backend-cpu'],
}
const problems = []
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (name === 'node_modules' || name === 'dist') return []
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })
for (const pkg of Object.keys(allowed)) {
  for (const file of walk(join(pkg, 'src'))) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)) {
      const spec = m[1]
      if (/^(fp-ts|io-ts)\/(?!lib\/)/.test(spec))
        problems.push(`${file}: '${spec}' is a directory import; use '${spec.replace(/^(fp-ts|io-ts)\//, '$1/lib/')}.js'`)
      if (/^(fp-ts|io-ts)\/lib\/.*(?<!\.js)$/.test(spec)) problems.push(`${file}: '${spec}' needs the '.js' extension under ESM`)
      const dep = /^@recur\/([^/]+)/.exec(spec)?.[1]
      if (dep !== undefined && !allowed[pkg].includes(dep)) problems.push(`${file}: ${pkg} may not import @recur/${dep}`)
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('imports: ok')
