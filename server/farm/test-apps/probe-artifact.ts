import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../protocol/app-manifest';

const PROBE_APP = fileURLToPath(new URL('./probe_app.py', import.meta.url));

/** Turns a copy of python-hello into the probe app (see probe_app.py), labelled `label`. */
export function probeApp(
  label: string,
  options: { scaling?: Partial<AppManifest['scaling']>; env?: Record<string, string> } = {},
) {
  return async (projectDir: string, manifest: AppManifest): Promise<AppManifest> => {
    for (const entry of await readdir(projectDir)) {
      if (entry.endsWith('.py')) await rm(path.join(projectDir, entry));
    }
    await copyFile(PROBE_APP, path.join(projectDir, 'probe_app.py'));
    const edited: AppManifest = {
      ...manifest,
      name: 'probe',
      entry: 'probe_app:app',
      env: { PROBE_LABEL: label, ...options.env },
      scaling: { ...manifest.scaling, ...options.scaling },
    };
    await writeFile(path.join(projectDir, 'slipway.json'), JSON.stringify(edited));
    return edited;
  };
}
