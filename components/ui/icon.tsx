/** Names of the small line icons the IDE chrome uses. */
export type IconName =
  | 'files'
  | 'source-control'
  | 'new-file'
  | 'new-folder'
  | 'upload'
  | 'download'
  | 'refresh'
  | 'collapse'
  | 'trash'
  | 'close'
  | 'discard'
  | 'terminal'
  | 'home'
  | 'sun'
  | 'moon'
  | 'error'
  | 'warning'
  | 'info'
  | 'play'
  | 'stop'
  | 'back'
  | 'forward'
  | 'external'
  | 'qr'
  | 'rotate'
  | 'device'
  | 'clock'
  | 'follow'
  | 'clear';

// Simple 16×16 strokes drawn for Slipway (the codicon font only arrives with Monaco, too late
// for the shell's first paint).
const PATHS: Record<IconName, string> = {
  files: 'M4 1.5h5l3 3v8.5H4z M9 1.5v3h3 M2 4v10.5h8',
  'source-control': 'M4 2.5v8 M4 10.5a2 2 0 1 0 0.01 0 M11 2.5a2 2 0 1 0 0.01 0 M11 4.5c0 4-7 2-7 6',
  'new-file': 'M3.5 1.5h5l3 3v9.5h-8z M8.5 1.5v3h3 M7.5 7v5 M5 9.5h5',
  'new-folder': 'M1.5 3.5h4.5l1.5 1.5h7v8.5h-13z M8 7v5 M5.5 9.5h5',
  upload: 'M8 11V2.5 M4.5 6L8 2.5 11.5 6 M2.5 10.5v3h11v-3',
  download: 'M8 2.5V11 M4.5 7.5L8 11l3.5-3.5 M2.5 10.5v3h11v-3',
  refresh: 'M13 8a5 5 0 1 1-1.5-3.6 M13 2v3h-3',
  collapse: 'M2.5 2.5h11v11h-11z M5 8h6',
  trash: 'M2.5 4h11 M6 4V2.5h4V4 M4 4l.7 9.5h6.6L12 4 M6.8 6.5v5 M9.2 6.5v5',
  close: 'M4 4l8 8 M12 4l-8 8',
  discard: 'M3 6.5h7a3.5 3.5 0 0 1 0 7H6 M6 3.5L3 6.5l3 3',
  terminal: 'M1.5 2.5h13v11h-13z M4 6l2.5 2L4 10 M8 10.5h4',
  home: 'M2 7.5L8 2l6 5.5 M3.5 6.5v7h9v-7',
  sun: 'M8 5.2a2.8 2.8 0 1 0 .01 0 M8 1.5v1.5 M8 13v1.5 M1.5 8H3 M13 8h1.5 M3.4 3.4l1 1 M11.6 11.6l1 1 M3.4 12.6l1-1 M11.6 4.4l1-1',
  moon: 'M13 9.5A5.5 5.5 0 0 1 6.5 3a5.5 5.5 0 1 0 6.5 6.5z',
  error: 'M8 2a6 6 0 1 0 .01 0 M5.8 5.8l4.4 4.4 M10.2 5.8l-4.4 4.4',
  warning: 'M8 2L14.5 13.5h-13z M8 6.5v3.5 M8 11.6v.4',
  info: 'M8 2a6 6 0 1 0 .01 0 M8 7v4.5 M8 4.8v.4',
  play: 'M4.5 2.5v11l9-5.5z',
  stop: 'M3.5 3.5h9v9h-9z',
  back: 'M13 8H3 M7 4L3 8l4 4',
  forward: 'M3 8h10 M9 4l4 4-4 4',
  external: 'M9 2.5h4.5V7 M13.5 2.5L7.5 8.5 M11.5 9.5v4h-9v-9h4',
  qr: 'M2.5 2.5h4v4h-4z M9.5 2.5h4v4h-4z M2.5 9.5h4v4h-4z M9.5 9.5h1.5v1.5 M12 12h1.5v1.5 M9.5 13.5h1 M13.5 9.5v1',
  rotate: 'M3 8a5 5 0 0 1 8.6-3.5 M12 2v3h-3 M13 8a5 5 0 0 1-8.6 3.5 M4 14v-3h3',
  device: 'M4.5 1.5h7v13h-7z M7 12.5h2',
  clock: 'M8 2a6 6 0 1 0 .01 0 M8 4.5V8l2.5 1.5',
  follow: 'M8 2v9 M4.5 7.5L8 11l3.5-3.5 M3 13.5h10',
  clear: 'M2.5 4h8 M2.5 7.5h8 M2.5 11h4 M9.5 10l4 4 M13.5 10l-4 4',
};

/** A decorative icon; the control it sits in carries the accessible name. */
export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return <StrokeIcon path={PATHS[name]} size={size} grid={16} strokeWidth={1.2} />;
}

/** A decorative line drawing of `path` on a `grid`×`grid` square, in the current text colour. */
export function StrokeIcon({
  path,
  size,
  grid,
  strokeWidth,
}: {
  path: string;
  size: number;
  grid: number;
  strokeWidth: number;
}) {
  return (
    <svg
      width={size}
      height={size}
      viewBox={`0 0 ${grid} ${grid}`}
      fill="none"
      stroke="currentColor"
      strokeWidth={strokeWidth}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={path} />
    </svg>
  );
}
