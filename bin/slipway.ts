import { runCli } from './cli/run-cli';
import { promptSecret } from './cli/secret-prompt';

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
// A closed pipe (`slipway logs app | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  fetch,
  signal: abort.signal,
  ...(process.stdin.isTTY ? { promptSecret } : {}),
});
