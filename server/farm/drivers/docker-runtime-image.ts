import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { RUNTIME_HASH_LABEL, RUNTIME_IMAGE_REPOSITORY, runtimeImageArchive } from './runtime-image';

/**
 * Returns the id of the runtime image, importing it into the engine first when no image carries
 * the archive's hash label (the Engine API's image import: no registry, no Dockerfile build).
 * Labels rather than tags find it because Podman's compatible import ignores `tag`.
 */
export async function ensureRuntimeImage(docker: Docker): Promise<string> {
  const { tar, hash } = runtimeImageArchive();
  const existing = await findByHash(docker, hash);
  if (existing) return existing;
  const progress = await docker.importImage(Readable.from([tar]), {
    changes: [`LABEL ${RUNTIME_HASH_LABEL}=${hash}`],
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(progress, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  const imported = await findByHash(docker, hash);
  if (!imported) throw new Error('the runtime image was imported but no image carries its hash label');
  await docker.getImage(imported).tag({ repo: RUNTIME_IMAGE_REPOSITORY, tag: hash.slice(0, 12) });
  return imported;
}

async function findByHash(docker: Docker, hash: string): Promise<string | undefined> {
  const images = await docker.listImages({ filters: { label: [`${RUNTIME_HASH_LABEL}=${hash}`] } });
  return images[0]?.Id;
}
