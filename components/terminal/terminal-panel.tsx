'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
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
  onHide,
}: {
  projectId: string;
  visible: boolean;
  onHide: () => void;
}) {
  const toast = useToast();
  const [tabs, setTabs] = useState<TerminalTab[] | null>(null);
  const [active, setActive] = useState<string | null>(null);
  const counter = useRef(0);

  const create = useCallback(async () => {
    try {
      // A rough size; the view fits the real one and sends it as soon as the socket opens.
      const info = await api.terminals.create(projectId, { cols: 100, rows: 24 });
      const tab = { id: info.id, number: ++counter.current };
      setTabs((all) => [...(all ?? []), tab]);
      setActive(info.id);
    } catch (e) {
      toast.error(e, 'Could not start a terminal');
    }
  }, [projectId, toast]);

  // Reattach to the terminals this user already has in the project, or start one.
  useEffect(() => {
    let cancelled = false;
    api.terminals.list(projectId).then(
      (existing) => {
        if (cancelled) return;
        if (existing.length === 0) {
          setTabs([]);
          void create();
          return;
        }
        const restored = existing.map((t) => ({ id: t.id, number: ++counter.current }));
        setTabs(restored);
        setActive(restored[restored.length - 1]?.id ?? null);
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

  return (
    <section className="panel" aria-label="Terminal panel">
      <div className="panel-header">
        <div role="tablist" aria-label="Terminals" className="panel-tabs">
          {(tabs ?? []).map((tab) => (
            <div key={tab.id} className={`panel-tab${tab.id === active ? ' active' : ''}`} role="presentation">
              <button
                type="button"
                role="tab"
                aria-selected={tab.id === active}
                className="panel-tab-label"
                onClick={() => setActive(tab.id)}
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
        <div className="panel-actions">
          <button type="button" className="btn btn-ghost" onClick={() => void create()}>
            New terminal
          </button>
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
      <div className="panel-body">
        {tabs?.map((tab) => (
          <TerminalView
            key={tab.id}
            projectId={projectId}
            terminalId={tab.id}
            label={`Terminal ${tab.number}`}
            active={visible && tab.id === active}
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
