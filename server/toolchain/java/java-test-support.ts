/**
 * Helpers for the Java toolchain's integration tests: HTTP over the instance socket, file edits,
 * snapshots of the build output, and sources slow enough to abort mid-compile.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';

/** The servlet of the java-hello template that the tests edit. */
export const HELLO_SERVLET = 'src/main/java/com/example/hello/HelloServlet.java';

/** GET over a Unix socket. */
export function get(socketPath: string, requestPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ socketPath, path: requestPath, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`GET ${requestPath} timed out`)));
    outgoing.end();
  });
}

/** Edits a file in place; fails loudly if the text to replace is not there. */
export async function replaceInFile(file: string, search: string | RegExp, replacement: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const found = typeof search === 'string' ? text.includes(search) : search.test(text);
  if (!found) throw new Error(`${String(search)} not found in ${file}`);
  await writeFile(file, text.replace(search, replacement));
}

/** Runs `work` and returns its result with the elapsed milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - started)];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** WEB-INF's entries and a hash of every file under WEB-INF/classes. */
export async function classesSnapshot(outputDir: string): Promise<Record<string, string>> {
  const webInf = path.join(outputDir, 'WEB-INF');
  const snapshot: Record<string, string> = { entries: (await readdir(webInf)).sort().join(',') };
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(file);
      else
        snapshot[path.relative(webInf, file)] = createHash('sha256')
          .update(await readFile(file))
          .digest('hex');
    }
  };
  await walk(path.join(webInf, 'classes'));
  return snapshot;
}

/** Forty stream-heavy classes: javac needs seconds for them, long enough to abort mid-way. */
export async function heavySources(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let file = 0; file < 40; file++) {
    const methods = Array.from(
      { length: 80 },
      (_, index) =>
        `    public static List<String> m${index}(List<Integer> xs) {\n` +
        `        return xs.stream().map(x -> x * ${index}).filter(x -> x % 3 == ${index % 3})` +
        `.map(x -> Map.entry(x, String.valueOf(x))).sorted(Map.Entry.comparingByKey())` +
        `.map(Map.Entry::getValue).collect(Collectors.toList());\n    }`,
    ).join('\n');
    await writeFile(
      path.join(dir, `Heavy${file}.java`),
      `package com.example.heavy;\n\nimport java.util.List;\nimport java.util.Map;\nimport java.util.stream.Collectors;\n\n` +
        `public class Heavy${file} {\n${methods}\n}\n`,
    );
  }
}
