import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0'},
    include: ['bench/bench.test.ts'],
    pool: 'forks',
    testTimeout: 900_000,
  },
})
