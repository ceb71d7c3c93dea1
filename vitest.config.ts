import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    disableConsoleIntercept: true,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {FORCE_COLOR: '0', DEV_CERTS_SKIP: ''},
    pool: 'forks',
  },
})
