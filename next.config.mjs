import { fileURLToPath } from 'node:url';

// @codingame/monaco-vscode-api modules do `import * as s from './x.css'` and hand the default
// export (the CSS text) to their own registerCss(), which adopts it as a constructed stylesheet.
// Turbopack's built-in CSS pipeline would turn those into global <link> sheets (and refuse them
// from node_modules), so this loader turns each such file into a JS module exporting its text.
const codingameLoader = fileURLToPath(new URL('./components/editor/css-loader.cjs', import.meta.url));

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run typecheck` checks the whole repository once; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  turbopack: {
    rules: {
      '*.css': [
        {
          // `monaco-editor` is an npm alias of @codingame/monaco-vscode-editor-api, so it lives under its own name.
          condition: { path: /node_modules\/(?:@codingame|monaco-editor)\// },
          loaders: [codingameLoader],
          as: '*.js',
        },
      ],
      // The extensions service registers ~90 "main thread" RPC endpoints for extension hosts
      // (chat, comments, notebooks, terminals, webviews…). Our default extensions carry no code,
      // so no extension host ever starts and these only cost ~250 kB gzip before the editor is
      // usable. index.js imports them for side effects only, and they import only each other.
      '*.js': [
        {
          condition: {
            path: /node_modules\/@codingame\/monaco-vscode-extensions-service-override\/vscode\/src\/vs\/workbench\/api\/browser\/mainThread[^/]*\.js$/,
          },
          loaders: [{ loader: codingameLoader, options: { mode: 'empty' } }],
        },
      ],
    },
  },
  experimental: {
    // With scope hoisting on, production bundles evaluate monaco-vscode-api modules out of order
    // ("reading 'JSONContribution'", "There is already an extension with this id").
    turbopackScopeHoisting: false,
  },
};

export default nextConfig;
