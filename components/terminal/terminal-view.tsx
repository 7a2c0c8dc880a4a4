'use client';

import { useEffect, useRef, useState } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { getResolvedTheme, onDidChangeTheme, type ResolvedTheme } from '@/components/ui/theme';
import { TerminalConnection, type ConnectionState } from './terminal-connection';
import { copyText } from './clipboard';

// VS Code's default terminal colours for its Modern themes.
const THEMES: Record<ResolvedTheme, ITheme> = {
  dark: { background: '#181818', foreground: '#cccccc', cursor: '#cccccc', selectionBackground: '#264f78' },
  light: { background: '#f8f8f8', foreground: '#3b3b3b', cursor: '#3b3b3b', selectionBackground: '#add6ff' },
};

/** One xterm.js terminal bound to a server pty; fits its box and reconnects after drops. */
export function TerminalView({
  projectId,
  terminalId,
  active,
  focusOnActivate,
  label,
  onExit,
}: {
  projectId: string;
  terminalId: string;
  /** The tab is selected and the panel shown: fit and focus. */
  active: boolean;
  /** Whether becoming active also takes the keyboard focus (not for terminals opened with the page). */
  focusOnActivate: boolean;
  label: string;
  onExit: (code: number | null) => void;
}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<{ term: Terminal; fit: () => void } | null>(null);
  const [state, setState] = useState<{ state: ConnectionState; reason?: string }>({ state: 'connecting' });
  const onExitRef = useRef(onExit);
  onExitRef.current = onExit;

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new Terminal({
      fontFamily: "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: THEMES[getResolvedTheme()],
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    term.open(host);

    const connection = new TerminalConnection(projectId, terminalId, {
      onOutput: (data, processed) => term.write(data, processed),
      onReplay: () => term.reset(),
      onExit: ({ code, signal }) => {
        const how = code !== null ? `code ${code}` : signal !== null ? `signal ${signal}` : 'code unknown';
        term.write(`\r\n[process exited with ${how}]\r\n`);
        setState({ state: 'closed' });
        onExitRef.current(code);
      },
      onState: (s, reason) => setState({ state: s, reason }),
      size: () => ({ cols: term.cols, rows: term.rows }),
    });

    // Only fit when the box has a size: a hidden panel would collapse the pty to 1 column.
    const fit = (): void => {
      if (host.clientWidth === 0 || host.clientHeight === 0) return;
      const before = `${term.cols}x${term.rows}`;
      fitAddon.fit();
      if (`${term.cols}x${term.rows}` !== before) connection.resize(term.cols, term.rows);
    };
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(fit);
    });
    observer.observe(host);
    fit();

    term.onData((data) => connection.input(data));
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        event.preventDefault();
        if (term.hasSelection()) void copyText(term.getSelection());
        return false;
      }
      // Let the browser deliver its native paste event to xterm's textarea: it needs no
      // clipboard permission, unlike navigator.clipboard.readText().
      if (event.code === 'KeyV') return false;
      return true;
    });
    const onContextMenu = (event: MouseEvent): void => {
      event.preventDefault();
      if (term.hasSelection()) {
        void copyText(term.getSelection());
        term.clearSelection();
      } else {
        navigator.clipboard?.readText().then(
          (text) => term.paste(text),
          () => undefined,
        );
      }
    };
    host.addEventListener('contextmenu', onContextMenu);
    const stopTheme = onDidChangeTheme((theme) => {
      term.options.theme = THEMES[theme];
    });

    termRef.current = { term, fit };
    return () => {
      termRef.current = null;
      stopTheme();
      host.removeEventListener('contextmenu', onContextMenu);
      cancelAnimationFrame(frame);
      observer.disconnect();
      connection.dispose();
      term.dispose();
    };
  }, [projectId, terminalId]);

  useEffect(() => {
    if (!active) return;
    termRef.current?.fit();
    if (focusOnActivate) termRef.current?.term.focus();
  }, [active, focusOnActivate]);

  return (
    <div className="terminal-view" hidden={!active} role="tabpanel" aria-label={label}>
      {state.state === 'reconnecting' || (state.state === 'closed' && state.reason) ? (
        <div className="terminal-banner" role="status">
          {state.state === 'reconnecting' ? 'Connection lost — reconnecting…' : state.reason}
        </div>
      ) : null}
      <div ref={hostRef} className="terminal-host" />
    </div>
  );
}
