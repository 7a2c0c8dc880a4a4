import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../core/errors';
import { TemplateCatalog } from './template-catalog';

let scratch: string;
let templatesRoot: string;

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'template-catalog-'));
  templatesRoot = join(scratch, 'templates');
  await writeTemplate('python-thing', { title: 'Python thing', runtime: 'python', kind: 'wsgi', entry: 'app:app' });
  await writeTemplate('java-thing', { title: 'Java thing', runtime: 'java', kind: 'servlet' });
  await mkdir(join(templatesRoot, 'no-manifest'));
  await mkdir(join(templatesRoot, 'Not_A_Template'));
  await writeFile(join(templatesRoot, 'README.md'), '# templates\n');
});

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function writeTemplate(id: string, fields: Record<string, unknown>): Promise<void> {
  const dir = join(templatesRoot, id);
  await mkdir(join(dir, 'static'), { recursive: true });
  const manifest = { name: id, description: `The ${id} template.`, memory: 128, ...fields };
  await writeFile(join(dir, 'slipway.json'), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, 'static', 'style.css'), 'body { margin: 0; }\n');
}

async function expectDomainError(promise: Promise<unknown>, code: DomainError['code']): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
}

describe('TemplateCatalog.list', () => {
  it('lists folders with a slipway.json, sorted by id', async () => {
    const catalog = new TemplateCatalog(templatesRoot);
    expect(await catalog.list()).toEqual([
      {
        id: 'java-thing',
        title: 'Java thing',
        description: 'The java-thing template.',
        runtime: 'java',
        kind: 'servlet',
      },
      {
        id: 'python-thing',
        title: 'Python thing',
        description: 'The python-thing template.',
        runtime: 'python',
        kind: 'wsgi',
      },
    ]);
  });

  it('reads the folder once', async () => {
    const catalog = new TemplateCatalog(templatesRoot);
    await catalog.list();
    await writeTemplate('python-later', { title: 'Later', runtime: 'python', kind: 'cgi' });
    expect((await catalog.list()).map((summary) => summary.id)).toEqual(['java-thing', 'python-thing']);
  });

  it('fails loudly on a broken template, naming it, and retries on the next call', async () => {
    await writeFile(join(templatesRoot, 'java-thing', 'slipway.json'), '{"name": "java-thing"}');
    const catalog = new TemplateCatalog(templatesRoot);
    await expect(catalog.list()).rejects.toThrow(/Template "java-thing" has an invalid slipway.json/);
    await writeTemplate('java-thing', { title: 'Java thing', runtime: 'java', kind: 'servlet' });
    expect(await catalog.list()).toHaveLength(2);
  });
});

describe('TemplateCatalog.get', () => {
  it('returns one summary', async () => {
    expect((await new TemplateCatalog(templatesRoot).get('python-thing')).title).toBe('Python thing');
  });

  it('throws not-found for an unknown id', async () => {
    await expectDomainError(new TemplateCatalog(templatesRoot).get('no-manifest'), 'not-found');
  });

  it.each(['../templates', 'Java-Thing', '', 'a/b'])('refuses the malformed id %j', async (id) => {
    await expectDomainError(new TemplateCatalog(templatesRoot).get(id), 'invalid-input');
  });
});

describe('TemplateCatalog.copyInto', () => {
  it('copies every file into a new directory and renames the app', async () => {
    const target = join(scratch, 'projects', 'my-app');
    await new TemplateCatalog(templatesRoot).copyInto('python-thing', target, 'my-app');

    expect((await readdir(target)).sort()).toEqual(['slipway.json', 'static']);
    expect(await readFile(join(target, 'static', 'style.css'), 'utf8')).toBe('body { margin: 0; }\n');
    const manifest = JSON.parse(await readFile(join(target, 'slipway.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toEqual({
      name: 'my-app',
      description: 'The python-thing template.',
      memory: 128,
      title: 'Python thing',
      runtime: 'python',
      kind: 'wsgi',
      entry: 'app:app',
    });
    expect(Object.keys(manifest)[0]).toBe('name');
  });

  it('keeps executable scripts executable', async () => {
    const script = join(templatesRoot, 'python-thing', 'run.py');
    await writeFile(script, '#!/usr/bin/env python3\n', { mode: 0o755 });
    const target = join(scratch, 'copy');
    await new TemplateCatalog(templatesRoot).copyInto('python-thing', target, 'copy');
    expect((await stat(join(target, 'run.py'))).mode & 0o111).not.toBe(0);
  });

  it('leaves out build leftovers and symbolic links', async () => {
    const template = join(templatesRoot, 'python-thing');
    await mkdir(join(template, '__pycache__'));
    await writeFile(join(template, '__pycache__', 'app.cpython-311.pyc'), 'x');
    await writeFile(join(template, 'stray.pyc'), 'x');
    await symlink('/etc/passwd', join(template, 'passwords'));
    const target = join(scratch, 'copy');
    await new TemplateCatalog(templatesRoot).copyInto('python-thing', target, 'copy');
    expect((await readdir(target)).sort()).toEqual(['slipway.json', 'static']);
  });

  it('fills an existing empty directory', async () => {
    const target = join(scratch, 'empty');
    await mkdir(target);
    await new TemplateCatalog(templatesRoot).copyInto('java-thing', target, 'empty-one');
    expect(await readdir(target)).toContain('slipway.json');
  });

  it('refuses a directory that is not empty, and leaves it alone', async () => {
    const target = join(scratch, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'mine');
    await expectDomainError(new TemplateCatalog(templatesRoot).copyInto('java-thing', target, 'busy'), 'conflict');
    expect(await readdir(target)).toEqual(['keep.txt']);
  });

  it('refuses a bad app name before touching the disk', async () => {
    const target = join(scratch, 'never');
    await expectDomainError(
      new TemplateCatalog(templatesRoot).copyInto('java-thing', target, 'Not OK'),
      'invalid-input',
    );
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  });

  it('refuses an unknown template', async () => {
    await expectDomainError(
      new TemplateCatalog(templatesRoot).copyInto('nope', join(scratch, 'x'), 'x-app'),
      'not-found',
    );
  });
});
