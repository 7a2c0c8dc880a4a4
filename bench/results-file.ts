import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE_HEADER =
  '# Benchmark results\n\nEach section is written by `npm run bench` for one issue; later runs replace only their own section.\n';

/** Splits markdown into the text before the first `## ` heading and one chunk per `## ` section. */
function splitSections(markdown: string): { preamble: string; sections: string[] } {
  const parts = markdown.split(/^(?=## )/m);
  const preamble = parts[0]?.startsWith('## ') ? '' : (parts.shift() ?? '');
  return { preamble, sections: parts };
}

/**
 * Writes `section` (markdown starting with `## <title>`) into the results file: replaces the
 * section with the same title, or appends it; every other section is kept as it was.
 */
export function writeSection(file: string, title: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : FILE_HEADER;
  const { preamble, sections } = splitSections(existing);
  const body = `${section.trimEnd()}\n\n`;
  const index = sections.findIndex((s) => s.split('\n', 1)[0]?.trim() === `## ${title}`);
  if (index >= 0) sections[index] = body;
  else sections.push(body);
  const start = preamble.trimEnd() === '' ? '' : `${preamble.trimEnd()}\n\n`;
  writeFileSync(file, `${start}${sections.map((s) => `${s.trimEnd()}\n`).join('\n')}`);
}
