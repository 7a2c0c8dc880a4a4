import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES_SOCKET_NAME } from '../protocol/platform-services';
import { memberOfNewTenant } from '../test-support/fixtures';
import { REPO_ROOT, startTestPlatform, type TestPlatform } from '../test-support/test-platform';
import { InstanceTokens } from './instance-tokens';

// Each SDK's own test suite, with its conformance cases forwarded to this real platform's
// services socket (a fresh app per SDK: the datastore cases expect an empty datastore).

let env: TestPlatform;
let tokens: InstanceTokens;
let tenantId: string;

beforeAll(async () => {
  env = await startTestPlatform();
  tenantId = (await memberOfNewTenant(env, 'sdk-suites', ['developer'])).tenant.id;
  tokens = new InstanceTokens(path.join(env.platform.config.dataDir, 'services', 'tokens.key'));
}, 60_000);
afterAll(() => env.close());

async function runSuite(script: string, appId: string): Promise<{ code: number | null; output: string }> {
  const token = await tokens.issue({ scope: { tenantId, appId, environment: 'preview' }, instanceId: `i-${appId}` });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(REPO_ROOT, script)], {
      env: {
        ...process.env,
        SLIPWAY_CONFORMANCE_SOCKET: path.join(env.platform.config.dataDir, 'run', 'services', SERVICES_SOCKET_NAME),
        SLIPWAY_CONFORMANCE_TOKEN: token,
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the SDKs against a running platform', () => {
  it('Python: sdk/python/run-tests.sh', async () => {
    const { code, output } = await runSuite('sdk/python/run-tests.sh', 'python-sdk-suite');
    expect(code, output.slice(-4000)).toBe(0);
  }, 120_000);

  it('Java: sdk/java/test.sh', async () => {
    const { code, output } = await runSuite('sdk/java/test.sh', 'java-sdk-suite');
    expect(code, output.slice(-4000)).toBe(0);
  }, 300_000);
});
