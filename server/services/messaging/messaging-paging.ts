import { randomBytes } from 'node:crypto';
import { invalidInput } from '../../core/errors';

/** Where a newest-first page ended: the last row's creation time and id. */
export interface PagePosition {
  createdAt: string;
  id: string;
}

/** Opaque to clients: base64url of the last row's time and id. */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${position.createdAt}\n${position.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): PagePosition {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('\n');
  if (!createdAt || !id || rest.length > 0 || Number.isNaN(Date.parse(createdAt)))
    throw invalidInput('The cursor is not one this list returned.', { field: 'cursor' });
  return { createdAt, id };
}

let lastMs = 0;
let sequence = 0;

/**
 * A new id that sorts by creation (time, then a per-process sequence, then randomness), so rows
 * created in the same millisecond still list newest first.
 */
export function sortableId(prefix: string, now: number): string {
  sequence = now === lastMs ? sequence + 1 : 0;
  lastMs = now;
  const time = now.toString(36).padStart(9, '0');
  const seq = sequence.toString(36).padStart(4, '0');
  return `${prefix}_${time}${seq}${randomBytes(6).toString('hex')}`;
}
