'use client';

import { useState } from 'react';
import type { DiagnosticDto, PreviewState } from '@/server/protocol/preview';
import { BuildIndicator } from '@/components/preview/build-indicator';
import type { PreviewSession, PreviewSnapshot } from '@/components/preview/preview-session';
import { Icon } from '@/components/ui/icon';
import { BuildOverlay } from './build-overlay';
import { DeviceBar } from './device-bar';
import type { EmulatorSettings } from './device-presets';
import { DeviceStage } from './device-stage';
import { NavigationBar } from './emulator-toolbar';
import { PersonaSelect } from './persona-select';
import { QrDialog } from './qr-dialog';
import { usePreviewFrame } from './use-preview-frame';
import './emulator.css';

const STATE_LABEL: Record<PreviewState, string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  running: 'Running',
  failed: 'Failed',
  crashed: 'Crashed',
};

// The app runs on its own origin, so allow-same-origin gives it that origin (its cookies and
// storage), never the IDE's; without allow-top-navigation it cannot navigate the IDE away.
const SANDBOX = 'allow-scripts allow-forms allow-same-origin allow-popups allow-downloads';

/** What the screen shows while there is no page to show. */
function screenMessage(snapshot: PreviewSnapshot | null): { title: string; detail: string } {
  const status = snapshot?.status;
  if (!status) return { title: 'Connecting…', detail: '' };
  switch (status.state) {
    case 'stopped':
      return { title: 'The app is not running', detail: 'Press Run (▶) to build it and start the preview.' };
    case 'starting':
      return { title: 'Building and starting…', detail: 'The first start takes a few seconds.' };
    case 'failed':
      return { title: 'The app could not start', detail: status.reason ?? 'See the Problems and Output panels.' };
    case 'crashed':
      return { title: 'The app stopped unexpectedly', detail: status.reason ?? 'See the Output panel.' };
    case 'running':
      return { title: 'Opening…', detail: '' };
  }
}

/** The emulator pane: toolbar, device frame around the preview iframe, build-error overlay and QR dialog. */
export default function EmulatorPane({
  projectId,
  session,
  snapshot,
  settings,
  onSettingsChange,
  onOpenDiagnostic,
  onHide,
}: {
  projectId: string;
  session: PreviewSession | null;
  snapshot: PreviewSnapshot | null;
  settings: EmulatorSettings;
  onSettingsChange: (settings: EmulatorSettings) => void;
  onOpenDiagnostic: (diagnostic: DiagnosticDto) => void;
  onHide: () => void;
}) {
  const frame = usePreviewFrame(projectId, session, snapshot);
  const [scale, setScale] = useState(1);
  const [qrOpen, setQrOpen] = useState(false);
  const [dismissedBuild, setDismissedBuild] = useState<number | null>(null);
  const status = snapshot?.status ?? null;
  const state = status?.state ?? null;
  const failed = snapshot?.lastBuild?.outcome === 'failed' ? snapshot.lastBuild : null;
  const error = snapshot?.actionError ?? frame.error;
  const message = screenMessage(snapshot);

  return (
    <div className="emulator">
      <div className="emulator-head">
        <h2 className="side-view-title">Emulator</h2>
        {state ? (
          <span className={`preview-state preview-state-${state}`} title={status?.reason ?? undefined}>
            {STATE_LABEL[state]}
          </span>
        ) : null}
        <BuildIndicator snapshot={snapshot} className="emulator-build" live={false} />
        <button type="button" className="icon-btn" aria-label="Hide emulator" title="Hide emulator" onClick={onHide}>
          <Icon name="close" />
        </button>
      </div>
      <NavigationBar
        state={state}
        busy={!session || snapshot?.pending != null}
        path={frame.path}
        canGoBack={frame.history.canGoBack}
        canGoForward={frame.history.canGoForward}
        onRun={() => void session?.start()}
        onStop={() => void session?.stop()}
        onCommand={frame.command}
        onNavigate={frame.navigate}
        onOpenInNewTab={() => void frame.openInNewTab()}
        onQrCode={() => setQrOpen(true)}
      />
      <DeviceBar settings={settings} scale={scale} onChange={onSettingsChange}>
        <PersonaSelect projectId={projectId} onChanged={() => (frame.src ? frame.command('reload') : undefined)} />
      </DeviceBar>
      {error ? (
        <p className="emulator-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="emulator-body">
        <DeviceStage settings={settings} onScale={setScale}>
          {frame.src ? (
            <iframe
              ref={frame.iframeRef}
              title="Preview"
              src={frame.src}
              sandbox={SANDBOX}
              className="preview-frame"
              onLoad={frame.onLoad}
            />
          ) : (
            <div className="screen-message">
              <p className="screen-title">{message.title}</p>
              {message.detail ? <p className="hint">{message.detail}</p> : null}
            </div>
          )}
          {frame.loading ? <div className="frame-progress" aria-hidden="true" /> : null}
        </DeviceStage>
        {failed && failed.id !== dismissedBuild ? (
          <BuildOverlay build={failed} onOpen={onOpenDiagnostic} onDismiss={() => setDismissedBuild(failed.id)} />
        ) : null}
      </div>
      {qrOpen ? <QrDialog projectId={projectId} path={frame.path} onClose={() => setQrOpen(false)} /> : null}
    </div>
  );
}
