import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INSTANCE_PATHS, InstanceProcess } from '../../runtime/instance-process';
import type { InstanceLayout } from '../toolchain';
import type { SandboxIdentityFiles } from '../../workspace/sandbox';
import { LAUNCHER_SANDBOX_DIR, launcherCommand } from './launcher-command';
import { answers, newRequestId } from './launcher-protocol';

const ARCHIVE_SANDBOX_DIR = '/opt/slipway/archive';
const SOCKET = `${INSTANCE_PATHS.sockets}/http.sock`;

const SAMPLE_SERVLET = `package sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

@WebServlet("/sample")
public class SampleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().print("sample");
    }
}
`;

/**
 * Dumps an AppCDS archive of the launcher (JDK 17: `-XX:ArchiveClassesAtExit`). The archive only
 * maps when the class path matches the dump's path for path, so the dump runs in a sandbox laid
 * out like every instance's. It runs a preview of a one-servlet sample (compile, reload, two
 * requests), so both Tomcat's and javac's classes are archived. Returns false if anything fails.
 */
export async function dumpClassDataArchive(
  launcherDir: string,
  archiveFile: string,
  identityFiles?: SandboxIdentityFiles,
): Promise<boolean> {
  const work = await mkdtemp(path.join(tmpdir(), 'slipway-java-archive-'));
  const layout: InstanceLayout = {
    projectDir: path.join(work, 'project'),
    outputDir: path.join(work, 'build'),
    socketDir: path.join(work, 'sockets'),
    dataDir: path.join(work, 'data'),
  };
  const archiveDir = path.join(work, 'archive');
  for (const dir of [layout.outputDir, layout.socketDir, layout.dataDir, archiveDir]) await mkdir(dir);
  const sourceDir = path.join(layout.projectDir, 'src/main/java/sample');
  await mkdir(sourceDir, { recursive: true });
  await mkdir(path.join(layout.projectDir, 'src/main/webapp'), { recursive: true });
  await writeFile(path.join(sourceDir, 'SampleServlet.java'), SAMPLE_SERVLET);
  await writeFile(path.join(layout.projectDir, 'src/main/webapp/index.html'), '<!doctype html><p>sample</p>\n');

  const command = launcherCommand(
    'preview',
    { webapp: INSTANCE_PATHS.output, project: INSTANCE_PATHS.project, socket: SOCKET },
    { memoryMb: 256, archive: false },
  );
  // The dump flag goes before the main class, among the JVM's own options.
  command.splice(1, 0, `-XX:ArchiveClassesAtExit=${ARCHIVE_SANDBOX_DIR}/launcher.jsa`);
  const instance = new InstanceProcess(
    layout,
    {
      command,
      env: {},
      readOnlyBinds: [{ host: launcherDir, sandbox: LAUNCHER_SANDBOX_DIR }],
      writableBinds: [
        { host: layout.outputDir, sandbox: INSTANCE_PATHS.output },
        { host: layout.socketDir, sandbox: INSTANCE_PATHS.sockets },
        { host: archiveDir, sandbox: ARCHIVE_SANDBOX_DIR },
      ],
      socketPath: SOCKET,
      healthPath: '/',
    },
    identityFiles ? { identityFiles } : {},
  );
  try {
    await instance.waitUntilReady(30_000);
    for (const [command, reply] of [
      ['compile', 'compiled'],
      ['reload', 'reloaded'],
    ] as const) {
      const id = newRequestId();
      const answered = instance.waitForOutput((line) => answers(line, reply, id), 60_000);
      instance.writeControl(`${command} ${id}`);
      await answered;
    }
    for (const requestPath of ['/', '/sample', '/missing']) await get(instance.hostSocketPath, requestPath);
    const exited = new Promise<void>((resolve) => instance.onDidExit(() => resolve()));
    instance.writeControl('quit');
    await withTimeout(exited, 60_000); // the JVM writes the archive on its way out
    await copyFile(path.join(archiveDir, 'launcher.jsa'), archiveFile);
    return true;
  } catch {
    return false;
  } finally {
    await instance.dispose();
    await rm(work, { recursive: true, force: true });
  }
}

function get(socketPath: string, requestPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = request({ socketPath, path: requestPath, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    probe.on('error', reject);
    probe.on('timeout', () => probe.destroy(new Error('timeout')));
    probe.end();
  });
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
