'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { api } from '@/components/api/api-client';
import { useToast } from '@/components/ui/toast';
import { Icon } from '@/components/ui/icon';
import { TerminalView } from './terminal-view';

interface TerminalTab {
  id: string;
  number: number;
  exitCode?: number | null;
}

/** The bottom panel's terminals: a tab per pty, "New terminal", kill; reattaches after a reload. Loaded lazily. */
export default function TerminalPanel({
  projectId,
  visible,
  toolbar,
}: {
  projectId: string;
  /** The panel is shown with this view active. */
  visible: boolean;
  /** Where the terminal tabs and "New terminal" go (the panel header) while this view is shown. */
  toolbar: HTMLElement | null;
}) {
  const toast = useToast();
  const [tabs, setTabs] = useState<TerminalTab[] | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const counter = useRef(0);
  // Terminals restored or started with the page must not take the focus from the editor (or from
  // a file name being typed); once the user acts on the panel, activating a terminal focuses it.
  const [focusOnActivate, setFocusOnActivate] = useState(false);
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current) setFocusOnActivate(true);
    wasVisible.current = visible;
  }, [visible]);

  /**
   * Starts a terminal. The one the panel starts by itself (`activate: 'if-none'`) never takes the
   * place of a terminal the user opened while it was starting.
   */
  const create = useCallback(
    async (activate: 'always' | 'if-none' = 'always') => {
      try {
        // A rough size; the view fits the real one and sends it as soon as the socket opens.
        const info = await api.terminals.create(projectId, { cols: 100, rows: 24 });
        const tab = { id: info.id, number: ++counter.current };
        setTabs((all) => [...(all ?? []), tab]);
        setActive((current) => (activate === 'always' || current === null ? info.id : current));
      } catch (e) {
        toast.error(e, 'Could not start a terminal');
      }
    },
    [projectId, toast],
  );

  // Reattach to the terminals this user already has in the project, or start one.
  useEffect(() => {
    let cancelled = false;
    api.terminals.list(projectId).then(
      (existing) => {
        if (cancelled) return;
        if (existing.length === 0) {
          setTabs([]);
          void create('if-none');
          return;
        }
        const restored = existing.map((t) => ({ id: t.id, number: ++counter.current }));
        // A terminal the user opened meanwhile is in the list too: keep its tab once, and it stays active.
        const restoredIds = new Set(restored.map((tab) => tab.id));
        setTabs((opened) => [...restored, ...(opened ?? []).filter((tab) => !restoredIds.has(tab.id))]);
        setActive((current) => current ?? restored[restored.length - 1]?.id ?? null);
      },
      (e: unknown) => {
        if (!cancelled) toast.error(e, 'Could not list terminals');
        setTabs([]);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [projectId, create, toast]);

  async function kill(tab: TerminalTab): Promise<void> {
    setTabs((all) => {
      const rest = (all ?? []).filter((t) => t.id !== tab.id);
      if (active === tab.id) setActive(rest[rest.length - 1]?.id ?? null);
      return rest;
    });
    // An exited pty may already be gone on the server; nothing to report then.
    if (tab.exitCode === undefined)
      await api.terminals
        .remove(projectId, tab.id)
        .catch((e: unknown) => toast.error(e, 'Could not kill the terminal'));
  }

  const controls = (
    <div className="terminal-toolbar">
      <div role="tablist" aria-label="Terminals" className="panel-tabs">
        {(tabs ?? []).map((tab) => (
          <div key={tab.id} className={`panel-tab${tab.id === active ? ' active' : ''}`} role="presentation">
            <button
              type="button"
              role="tab"
              aria-selected={tab.id === active}
              className="panel-tab-label"
              onClick={() => {
                setFocusOnActivate(true);
                setActive(tab.id);
              }}
            >
              Terminal {tab.number}
              {tab.exitCode !== undefined ? <span className="hint"> (exited)</span> : null}
            </button>
            <button
              type="button"
              className="icon-btn"
              aria-label={`Kill terminal ${tab.number}`}
              title="Kill Terminal"
              onClick={() => void kill(tab)}
            >
              <Icon name="trash" />
            </button>
          </div>
        ))}
      </div>
      <button
        type="button"
        className="btn btn-ghost"
        onClick={() => {
          setFocusOnActivate(true);
          void create();
        }}
      >
        New terminal
      </button>
    </div>
  );

  return (
    <section className="panel terminal-panel" aria-label="Terminal panel">
      {toolbar ? createPortal(controls, toolbar) : null}
      <div className="panel-body">
        {tabs?.map((tab) => (
          <TerminalView
            key={tab.id}
            projectId={projectId}
            terminalId={tab.id}
            label={`Terminal ${tab.number}`}
            active={visible && tab.id === active}
            focusOnActivate={focusOnActivate}
            onExit={(code) =>
              setTabs((all) => (all ?? []).map((t) => (t.id === tab.id ? { ...t, exitCode: code } : t)))
            }
          />
        ))}
        {tabs !== null && tabs.length === 0 ? (
          <p className="hint side-view-pad">No terminal. Use “New terminal” to start one.</p>
        ) : null}
      </div>
    </section>
  );
}
