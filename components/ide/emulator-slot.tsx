'use client';

import dynamic from 'next/dynamic';
import type { DiagnosticDto } from '@/server/protocol/preview';
import type { EmulatorSettings } from '@/components/emulator/device-presets';
import type { PreviewSession, PreviewSnapshot } from '@/components/preview/preview-session';
import { PREVIEW_LIMITS } from './layout-state';
import { Splitter } from './splitter';

// The emulator is not needed for the first edit: its code loads once the editor is ready.
const EmulatorPane = dynamic(() => import('@/components/emulator/emulator-pane'), {
  ssr: false,
  loading: () => <p className="hint side-view-pad">Loading emulator…</p>,
});

/** The right-hand pane that holds the emulator, with its splitter; unmounts the emulator while hidden. */
export function EmulatorSlot({
  projectId,
  visible,
  width,
  load,
  session,
  snapshot,
  settings,
  onWidthChange,
  onSettingsChange,
  onOpenDiagnostic,
  onHide,
}: {
  projectId: string;
  visible: boolean;
  width: number;
  /** False until the emulator's code may be fetched. */
  load: boolean;
  session: PreviewSession | null;
  snapshot: PreviewSnapshot | null;
  settings: EmulatorSettings;
  onWidthChange: (width: number) => void;
  onSettingsChange: (settings: EmulatorSettings) => void;
  onOpenDiagnostic: (diagnostic: DiagnosticDto) => void;
  onHide: () => void;
}) {
  return (
    <>
      {visible ? (
        <Splitter
          orientation="vertical"
          label="Resize emulator"
          controls="ide-preview"
          invert
          value={width}
          min={PREVIEW_LIMITS.min}
          max={PREVIEW_LIMITS.max}
          onChange={onWidthChange}
        />
      ) : null}
      <aside id="ide-preview" className="preview-pane" aria-label="Emulator" style={{ width }} hidden={!visible}>
        {visible && load ? (
          <EmulatorPane
            projectId={projectId}
            session={session}
            snapshot={snapshot}
            settings={settings}
            onSettingsChange={onSettingsChange}
            onOpenDiagnostic={onOpenDiagnostic}
            onHide={onHide}
          />
        ) : null}
      </aside>
    </>
  );
}
