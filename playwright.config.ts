import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from './e2e/chromium';
import { stopLeftoverNginxAtExit } from './e2e/leftover-nginx';

// One fresh platform per run; its data dir is shared with the tests through the environment
// (workers inherit it), so they can check files on disk.
process.env.SLIPWAY_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'slipway-e2e-'));
process.env.SLIPWAY_E2E_PORT ??= '3217';
const port = process.env.SLIPWAY_E2E_PORT;
const baseURL = `http://localhost:${port}`;
stopLeftoverNginxAtExit(process.env.SLIPWAY_E2E_DATA_DIR);

export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? 'list' : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_EXECUTABLE,
      args: [...CHROMIUM_ARGS],
    },
  },
  webServer: {
    command: `node_modules/.bin/tsx server/main.ts --port ${port} --data-dir ${process.env.SLIPWAY_E2E_DATA_DIR}`,
    url: `${baseURL}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    // SIGTERM lets the platform dispose: nginx (own process group) and app instances (own
    // sessions, built to outlive a crash) would survive the default SIGKILL and hold ports.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      SLIPWAY_ADMIN_EMAIL: 'admin@e2e.test',
      SLIPWAY_ADMIN_PASSWORD: 'e2e admin password',
      SLIPWAY_PUBLIC_URL: baseURL,
      // Published apps (e2e/publish.spec.ts) on their own port, apart from a dev platform's 8080.
      SLIPWAY_GATEWAY_PORT: process.env.SLIPWAY_E2E_GATEWAY_PORT ?? '3218',
    },
  },
});
