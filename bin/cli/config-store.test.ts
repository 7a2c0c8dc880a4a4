import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configPath, normaliseUrl, readConfig, resolveConnection, writeConfig } from './config-store';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'slipway-cli-config-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('config file', () => {
  it('lives under ~/.config/slipway unless XDG_CONFIG_HOME says otherwise', () => {
    expect(configPath({ HOME: '/home/ann' })).toBe('/home/ann/.config/slipway/config.json');
    expect(configPath({ HOME: '/home/ann', XDG_CONFIG_HOME: '/x' })).toBe('/x/slipway/config.json');
  });

  it('is written 0600 in a 0700 folder, replaced atomically, and read back', async () => {
    const file = configPath({ HOME: home });
    await writeConfig(file, { url: 'http://localhost:3000', token: 'first' });
    await writeConfig(file, { url: 'http://localhost:3000', token: 'second', email: 'a@b.test' });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
    expect((await readdir(path.dirname(file))).sort()).toEqual(['.gitignore', 'config.json']); // no temp file left
    expect(await readConfig(file)).toEqual({ url: 'http://localhost:3000', token: 'second', email: 'a@b.test' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ token: 'second' });
  });

  it('stays out of git when HOME is a work tree (the IDE terminal: HOME is the project)', async () => {
    execFileSync('git', ['init', '-q', home]);
    await writeFile(path.join(home, 'app.py'), 'app = None\n');
    await writeConfig(configPath({ HOME: home }), { url: 'http://x', token: 'secret' });
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], {
      cwd: home,
      encoding: 'utf8',
    });
    expect(status.trim()).toBe('?? app.py');
  });

  it('reads "none" for a missing file and an error for a damaged one', async () => {
    const file = configPath({ HOME: home });
    expect(await readConfig(file)).toBeNull();
    await writeConfig(file, { url: 'http://x', token: 't' });
    await writeFile(file, '{"url": 1');
    await expect(readConfig(file)).rejects.toThrow(/is damaged .*slipway login/);
  });
});

describe('resolveConnection', () => {
  const saved = { url: 'http://saved.test', token: 'saved-token' };

  it('uses the saved config, overridden by SLIPWAY_URL and SLIPWAY_TOKEN', () => {
    expect(resolveConnection(saved, {})).toEqual({ url: 'http://saved.test', token: 'saved-token' });
    expect(resolveConnection(saved, { SLIPWAY_URL: 'http://127.0.0.1:3000/', SLIPWAY_TOKEN: 'env' })).toEqual({
      url: 'http://127.0.0.1:3000',
      token: 'env',
    });
  });

  it('says what to do when the URL or token is missing', () => {
    expect(() => resolveConnection(null, {})).toThrow(/No server known/);
    expect(() => resolveConnection(null, { SLIPWAY_URL: 'http://ide.test' })).toThrow(
      /Not logged in to http:\/\/ide.test: run `slipway login --url http:\/\/ide.test/,
    );
  });

  it('accepts only http(s) URLs', () => {
    expect(normaliseUrl('https://slipway.example/base/')).toBe('https://slipway.example/base');
    expect(() => normaliseUrl('ftp://x')).toThrow(/must start with http/);
    expect(() => normaliseUrl('localhost:3000')).toThrow();
  });
});
