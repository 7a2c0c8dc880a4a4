/** Slipway's mark (a sail over a slipway ramp) followed by the name. */
export function Logo({ size = 18 }: { size?: number }) {
  return (
    <span className="logo">
      <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <path d="M15 3 L15 21 L5 21 Z" fill="#0a84ff" />
        <path d="M17 7 L17 21 L26 21 Z" fill="#5ac8fa" />
        <path d="M3 24 L29 24 L25 29 L7 29 Z" fill="currentColor" opacity="0.8" />
      </svg>
      <span>Slipway</span>
    </span>
  );
}
