/**
 * Every ```ts block of docs/how-it-works.md is a complete program with its own assertions; this
 * runs each one, so the page cannot drift from the code.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const page = join(here, '..', '..', '..', 'docs', 'how-it-works.md')
const blocks = [...readFileSync(page, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const dir = join(here, '.doc-snippets')
mkdirSync(dir, { recursive: true })
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('docs/how-it-works.md', () => {
  it('has runnable snippets', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
  })
  blocks.forEach((code, i) => {
    it(`snippet ${i + 1} runs and its assertions hold`, async () => {
      const file = join(dir, `snippet-${i + 1}.ts`)
      writeFileSync(file, code)
      await import(file)
    })
  })
})
