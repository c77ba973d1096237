/**
 * Every ```ts block of docs/testing-kit.md is a complete program with its own assertions; this
 * runs each one, so the page cannot drift from the kit. (It lives in the models tests because its
 * snippets use `@recur/models`, `@recur/testing` and `@recur/backend-cpu` together; ```typescript
 * blocks on the page are excerpts and are not run.)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
const page = join(here, '..', '..', '..', 'docs', 'testing-kit.md')
const blocks = [...readFileSync(page, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
const dir = join(here, '.doc-snippets')
mkdirSync(dir, { recursive: true })
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('docs/testing-kit.md', () => {
  it('has runnable snippets', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8)
  })
  blocks.forEach((code, i) => {
    it(`snippet ${i + 1} runs and its assertions hold`, async () => {
      const file = join(dir, `testing-kit-${i + 1}.ts`)
      writeFileSync(file, code)
      await import(file)
    }, 60_000)
  })
})
