// Loaded only through a dynamic import (see load-monaco.ts), so none of this reaches the server
// bundle or the IDE shell's first chunk. The editor API must be evaluated before the services
// package (TOOLCHAIN-NOTES), hence the import order below.
import * as monaco from 'monaco-editor';
import { ILanguageService, initialize, IThemeService, StandaloneServices } from '@codingame/monaco-vscode-api';
import { isDark } from '@codingame/monaco-vscode-api/vscode/vs/platform/theme/common/theme';
import getLanguagesServiceOverride from '@codingame/monaco-vscode-languages-service-override';
import getTextmateServiceOverride from '@codingame/monaco-vscode-textmate-service-override';
import getThemeServiceOverride from '@codingame/monaco-vscode-theme-service-override';
// Default extensions only register a manifest plus file URLs; grammars and themes are fetched
// on demand when a model of that language (or the theme) is first used, so importing all of
// them costs a few kB, not the grammars themselves.
import '@codingame/monaco-vscode-theme-defaults-default-extension';
import '@codingame/monaco-vscode-java-default-extension';
import '@codingame/monaco-vscode-python-default-extension';
import '@codingame/monaco-vscode-html-default-extension';
import '@codingame/monaco-vscode-css-default-extension';
import '@codingame/monaco-vscode-javascript-default-extension';
import '@codingame/monaco-vscode-json-default-extension';
import '@codingame/monaco-vscode-xml-default-extension';
import '@codingame/monaco-vscode-markdown-basics-default-extension';
import '@codingame/monaco-vscode-yaml-default-extension';
import '@codingame/monaco-vscode-ini-default-extension';
import { getResolvedTheme, onDidChangeTheme, type ResolvedTheme } from '@/components/ui/theme';

export type Monaco = typeof monaco;

// User-timing marks (visible in DevTools' performance panel) for the load benchmark.
performance.mark('slipway:monaco-evaluated');

// "Default Dark Modern" / "Default Light Modern" in VS Code's picker; the theme-defaults
// extension of this release declares them with these ids, which is what setTheme() looks up.
const MONACO_THEMES: Record<ResolvedTheme, string> = {
  dark: 'Dark Modern',
  light: 'Light Modern',
};

function installWorkers(): void {
  // Module workers referenced with `new URL(..., import.meta.url)` so Turbopack bundles each
  // worker entry as its own chunk. Labels come from the services that create them.
  globalThis.MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      switch (label) {
        case 'TextMateWorker':
          return new Worker(new URL('@codingame/monaco-vscode-textmate-service-override/worker', import.meta.url), {
            type: 'module',
            name: label,
          });
        case 'editorWorkerService':
        default:
          return new Worker(new URL('monaco-editor/esm/vs/editor/editor.worker.js', import.meta.url), {
            type: 'module',
            name: label,
          });
      }
    },
  };
}

/** The language's display name ("Java", "Markdown") for the status bar. */
export function languageName(languageId: string): string {
  return StandaloneServices.get(ILanguageService).getLanguageName(languageId) ?? languageId;
}

/** Applies our light/dark choice to every Monaco editor (they share one theme service). */
export function applyTheme(theme: ResolvedTheme): void {
  monaco.editor.setTheme(MONACO_THEMES[theme]);
}

/**
 * Keeps Monaco on the page's light/dark choice. The theme service applies its configured default
 * once the extensions are registered, which can land after our first `setTheme` (a dark page
 * then had the light theme's token colours, some of them invisible, until the user toggled).
 */
function followPageTheme(): void {
  let corrections = 0;
  StandaloneServices.get(IThemeService).onDidColorThemeChange((theme) => {
    const wanted = getResolvedTheme();
    // A few corrections at most: a theme that cannot be applied must not make a loop.
    if (isDark(theme.type) !== (wanted === 'dark') && corrections++ < 3) applyTheme(wanted);
  });
}

async function start(): Promise<Monaco> {
  installWorkers();
  // The workbench layout lives in a detached element: we use the services, not the workbench UI.
  const container = document.createElement('div');
  container.style.display = 'none';
  document.body.append(container);
  await initialize(
    {
      ...getThemeServiceOverride(),
      ...getTextmateServiceOverride(),
      ...getLanguagesServiceOverride(),
    },
    container,
  );
  performance.mark('slipway:monaco-initialized');
  followPageTheme();
  applyTheme(getResolvedTheme());
  onDidChangeTheme(applyTheme);
  return monaco;
}

let started: Promise<Monaco> | null = null;

/** Initialises the VS Code services once and resolves with the monaco API. */
export function startMonaco(): Promise<Monaco> {
  started ??= start();
  return started;
}
