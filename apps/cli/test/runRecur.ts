/**
 * Runs the `recur` command as a user does (from source, through tsx, in apps/cli) and returns its
 * exit code, standard output and trimmed standard error. Shared by the command-line tests.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const main = join(here, '..', 'src', 'main.ts')

/** `recur ...args`. */
export const runRecur = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--conditions=@recur/source', '--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    cwd: join(here, '..'),
    env: { ...process.env, NO_COLOR: '1' },
  })
  return { code: r.status, out: r.stdout, err: r.stderr.trim() }
}
