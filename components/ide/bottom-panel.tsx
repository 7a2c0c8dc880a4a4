'use client';

import { useEffect, useState, type KeyboardEvent } from 'react';
import dynamic from 'next/dynamic';
import type { DiagnosticDto } from '@/server/protocol/preview';
import type { PreviewSession } from '@/components/preview/preview-session';
import { Icon } from '@/components/ui/icon';
import { PANEL_VIEWS, type PanelView } from './layout-state';

// Each view's code loads the first time it is shown (xterm, the Output list, the Problems tree, the Outbox, Tasks).
const loading = () => <p className="hint side-view-pad">Loading…</p>;
const TerminalPanel = dynamic(() => import('@/components/terminal/terminal-panel'), { ssr: false, loading });
const ProblemsPanel = dynamic(() => import('@/components/problems/problems-panel'), { ssr: false, loading });
const OutputPanel = dynamic(() => import('@/components/output/output-panel'), { ssr: false, loading });
const OutboxPanel = dynamic(() => import('@/components/outbox/outbox-panel'), { ssr: false, loading });
const TasksPanel = dynamic(() => import('@/components/tasks/tasks-panel'), { ssr: false, loading });

const VIEW_LABEL: Record<PanelView, string> = {
  problems: 'Problems',
  output: 'Output',
  outbox: 'Outbox',
  tasks: 'Tasks',
  terminal: 'Terminal',
};

/** The bottom panel, VS Code style: Problems, Output, Outbox, Tasks and Terminal tabs; the active view's controls sit in the header. */
export function BottomPanel({
  projectId,
  visible,
  view,
  session,
  diagnostics,
  onViewChange,
  onOpenDiagnostic,
  onHide,
}: {
  projectId: string;
  visible: boolean;
  view: PanelView;
  session: PreviewSession | null;
  diagnostics: readonly DiagnosticDto[];
  onViewChange: (view: PanelView) => void;
  onOpenDiagnostic: (diagnostic: DiagnosticDto) => void;
  onHide: () => void;
}) {
  const [toolbar, setToolbar] = useState<HTMLDivElement | null>(null);
  // A view stays mounted once shown: terminals keep their sockets, Output its scroll and filters.
  const [mounted, setMounted] = useState<ReadonlySet<PanelView>>(new Set());
  useEffect(() => {
    if (visible && !mounted.has(view)) setMounted((m) => new Set(m).add(view));
  }, [visible, view, mounted]);

  function onTabKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    const index = PANEL_VIEWS.indexOf(view);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = PANEL_VIEWS[(index + step + PANEL_VIEWS.length) % PANEL_VIEWS.length] ?? view;
    onViewChange(next);
    e.currentTarget.querySelector<HTMLElement>(`#panel-tab-${next}`)?.focus();
  }

  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const viewToolbar = (v: PanelView): HTMLElement | null => (visible && view === v ? toolbar : null);
  const renderView = (v: PanelView) => {
    if (v === 'problems') return <ProblemsPanel diagnostics={diagnostics} onOpen={onOpenDiagnostic} />;
    if (v === 'output') return <OutputPanel session={session} toolbar={viewToolbar(v)} />;
    if (v === 'outbox')
      return <OutboxPanel projectId={projectId} visible={visible && view === v} toolbar={viewToolbar(v)} />;
    if (v === 'tasks')
      return <TasksPanel projectId={projectId} visible={visible && view === v} toolbar={viewToolbar(v)} />;
    return <TerminalPanel projectId={projectId} visible={visible && view === v} toolbar={viewToolbar(v)} />;
  };

  return (
    <div className="panel">
      <div className="panel-header">
        <div role="tablist" aria-label="Panel views" className="panel-tabs panel-views" onKeyDown={onTabKeyDown}>
          {PANEL_VIEWS.map((v) => (
            <div key={v} className={`panel-tab${v === view ? ' active' : ''}`} role="presentation">
              <button
                type="button"
                role="tab"
                id={`panel-tab-${v}`}
                aria-selected={v === view}
                aria-controls={`panel-view-${v}`}
                tabIndex={v === view ? 0 : -1}
                className="panel-tab-label"
                onClick={() => onViewChange(v)}
              >
                {VIEW_LABEL[v]}
                {v === 'problems' && diagnostics.length > 0 ? (
                  <span className={`panel-badge${errors > 0 ? ' panel-badge-error' : ''}`}>{diagnostics.length}</span>
                ) : null}
              </button>
            </div>
          ))}
        </div>
        <div className="panel-actions">
          <div ref={setToolbar} className="panel-view-actions" />
          <button
            type="button"
            className="icon-btn"
            aria-label="Hide panel"
            title="Hide Panel (Ctrl+`)"
            onClick={onHide}
          >
            <Icon name="close" />
          </button>
        </div>
      </div>
      {PANEL_VIEWS.map((v) => (
        <div
          key={v}
          id={`panel-view-${v}`}
          role="tabpanel"
          aria-labelledby={`panel-tab-${v}`}
          className="panel-body"
          hidden={v !== view}
        >
          {mounted.has(v) ? renderView(v) : null}
        </div>
      ))}
    </div>
  );
}
