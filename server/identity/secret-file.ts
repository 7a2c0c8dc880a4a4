import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const SECRET_PATTERN = /^[0-9a-f]{64}$/;

/** An installation secret (32 bytes, hex in a 0600 file); undefined when the file does not exist yet. */
export async function readSecret(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!SECRET_PATTERN.test(text))
    throw new Error(`${file} is damaged: expected 64 hex digits (delete it to start over)`);
  return Buffer.from(text, 'hex');
}

/** Writes a fresh secret to a private temporary file and links it into place: the first writer wins. */
export async function createSecret(file: string): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    await link(temp, file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(temp, { force: true });
  }
  const secret = await readSecret(file);
  if (!secret) throw new Error(`${file} vanished right after it was created`);
  return secret;
}
