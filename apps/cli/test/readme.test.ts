/**
 * Every ```ts block of the README is a complete program; this runs each one (from the repository
 * root, as a reader would), so the tour cannot drift from the code.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const dir = join(here, '.readme-snippets')
mkdirSync(dir, { recursive: true })
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('README', () => {
  it('has the tour', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
  })
  blocks.forEach((code, i) => {
    it(`snippet ${i + 1} runs`, async () => {
      const cwd = process.cwd()
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
      try {
        process.chdir(root)
        const file = join(dir, `snippet-${i + 1}.ts`)
        writeFileSync(file, code)
        await import(file)
        expect(log).toHaveBeenCalled()
      } finally {
        process.chdir(cwd)
        log.mockRestore()
      }
    }, 60_000)
  })
})
