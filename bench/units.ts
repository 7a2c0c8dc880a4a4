/** Formatting of measurements. MB means 10^6 bytes throughout (the stricter reading of the targets). */

export function formatMs(ms: number): string {
  return `${ms.toFixed(1)} ms`;
}

/** Three decimals, so a figure just over a target never prints as equal to it. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

export function formatKB(bytes: number): string {
  return `${(bytes / 1e3).toFixed(1)} kB`;
}

/** A change in memory or size, always with its sign. */
export function formatMBChange(bytes: number): string {
  return `${bytes < 0 ? '−' : '+'}${formatMB(Math.abs(bytes))}`;
}
