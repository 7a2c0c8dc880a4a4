'use client';

import { useEffect, useRef } from 'react';

/** IDE-wide shortcuts, handled before Monaco or xterm see the key. */
export interface IdeCommands {
  save: () => void;
  quickOpen: () => void;
  togglePanel: () => void;
  toggleSideBar: () => void;
  showExplorer: () => void;
  showSourceControl: () => void;
}

function inTerminal(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('.xterm') !== null;
}

/**
 * Listens in the capture phase on window so Ctrl/Cmd+S never reaches the browser's "save page"
 * (nor Monaco), Ctrl/Cmd+P never prints, and Ctrl+` works even with focus inside the terminal.
 */
export function useIdeKeybindings(commands: IdeCommands): void {
  const latest = useRef(commands);
  latest.current = commands;

  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent): void => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const c = latest.current;
      let run: (() => void) | null = null;
      if (e.code === 'Backquote' && e.ctrlKey && !e.shiftKey) run = c.togglePanel;
      else if (e.code === 'KeyS' && !e.shiftKey) run = c.save;
      else if (e.code === 'KeyP' && !e.shiftKey) run = c.quickOpen;
      // Readline needs Ctrl+B (back one character) inside the terminal.
      else if (e.code === 'KeyB' && !e.shiftKey && !inTerminal(e.target)) run = c.toggleSideBar;
      else if (e.code === 'KeyE' && e.shiftKey) run = c.showExplorer;
      else if (e.code === 'KeyG' && e.shiftKey) run = c.showSourceControl;
      if (!run) return;
      e.preventDefault();
      e.stopPropagation();
      run();
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}
