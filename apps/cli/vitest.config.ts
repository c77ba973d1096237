import { defineProject } from 'vitest/config'

export default defineProject({
  resolve: { conditions: ['@recur/source'] },
  ssr: { resolve: { conditions: ['@recur/source'] } },
  // the command-line tests start node processes that train small models: seconds each, more on a loaded machine
  test: { name: 'cli', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
})
