import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from './e2e/chromium.ts';
import { firefoxPath } from './e2e/engines.ts';

const port = Number(process.env.COFFER_E2E_PORT ?? 4417);

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  timeout: 120_000,
  // Argon2id and sealing share 2 cores with the browser: a slow machine is not a failure.
  expect: { timeout: 15_000 },
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/e2e.json' }]],
  use: { baseURL: `http://127.0.0.1:${port}/` },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS } },
    },
    {
      // Debian's Firefox ESR over WebDriver BiDi; see e2e/engines.ts for what runs there and
      // README (Browser engines) for why @playwright/test is pinned to 1.64.1.
      name: 'firefox',
      use: {
        browserName: 'firefox',
        channel: 'moz-firefox',
        launchOptions: { executablePath: firefoxPath() },
      },
    },
  ],
  webServer: {
    command: `node scripts/serve.mjs --port ${port} --dir ${process.env.COFFER_E2E_DIST ?? 'dist'}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: !process.env.CI,
  },
});
