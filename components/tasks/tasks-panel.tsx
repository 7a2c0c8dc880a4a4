'use client';

import { useCallback, useState, type ReactNode } from 'react';
import type { ProjectTaskDto } from '@/server/protocol/tasks';
import { api } from '@/components/api/api-client';
import { PanelRefresh } from '@/components/ide/panel-refresh';
import { usePanelData } from '@/components/ide/use-panel-data';
import { relativeTime } from '@/components/ui/relative-time';
import './tasks.css';

/**
 * The Tasks view of the bottom panel: the dead letters of the project's previews and published
 * app (each with the error that ended it, and Retry) and the tasks still waiting to run.
 */
export default function TasksPanel({
  projectId,
  visible,
  toolbar,
}: {
  projectId: string;
  /** Reloads the lists each time the view is shown. */
  visible: boolean;
  /** Where the view's controls go (the panel header) while this view is shown; null otherwise. */
  toolbar: HTMLElement | null;
}) {
  const load = useCallback(() => api.tasks.list(projectId), [projectId]);
  const { data: tasks, setData: setTasks, loading, error, refresh, run } = usePanelData(visible, load);
  const [retrying, setRetrying] = useState<string | null>(null);

  async function retry(task: ProjectTaskDto): Promise<void> {
    setRetrying(task.id);
    await run(async () => {
      await api.tasks.retry(projectId, task.id);
      setTasks(await api.tasks.list(projectId));
    });
    setRetrying(null);
  }

  return (
    <section aria-label="Tasks" className="tasks">
      <PanelRefresh toolbar={toolbar} title="Refresh the tasks" disabled={loading} onRefresh={() => void refresh()} />
      {error ? (
        <p role="alert" className="tasks-error side-view-pad">
          {error}
        </p>
      ) : null}
      {tasks === null ? (
        error ? null : (
          <p className="hint side-view-pad">Loading…</p>
        )
      ) : tasks.dead.length === 0 && tasks.waiting.length === 0 ? (
        <p className="hint side-view-pad">
          No tasks. Tasks the app enqueues (and its cron runs) show here while they wait; a task that fails every
          attempt stays here as a dead letter, with its error, until you retry it.
        </p>
      ) : (
        <>
          <TaskList
            title="Failed"
            tasks={tasks.dead}
            render={(task) => (
              <>
                <span className="hint" title={task.failedAt ? new Date(task.failedAt).toLocaleString() : undefined}>
                  {task.failedAt ? relativeTime(task.failedAt) : ''}
                </span>
                <TaskTarget task={task} />
                <span className="tasks-error-text" title={task.lastError}>
                  {task.lastError ?? 'failed'}
                </span>
                <span className="hint">
                  {task.attempts}/{task.maxAttempts} attempts
                </span>
                <button
                  type="button"
                  className="btn btn-secondary tasks-retry"
                  disabled={retrying === task.id}
                  aria-label={`Retry ${task.method} ${task.path}`}
                  onClick={() => void retry(task)}
                >
                  Retry
                </button>
              </>
            )}
          />
          <TaskList
            title="Waiting"
            tasks={tasks.waiting}
            render={(task) => (
              <>
                <span className="hint" title={task.nextRunAt ? new Date(task.nextRunAt).toLocaleString() : undefined}>
                  {task.state === 'running' ? 'running' : task.nextRunAt ? relativeTime(task.nextRunAt) : ''}
                </span>
                <TaskTarget task={task} />
                <span className="tasks-error-text" title={task.lastError}>
                  {task.lastError ? `last attempt: ${task.lastError}` : ''}
                </span>
                <span className="hint">
                  {task.attempts}/{task.maxAttempts} attempts
                </span>
                <span />
              </>
            )}
          />
        </>
      )}
    </section>
  );
}

function TaskList({
  title,
  tasks,
  render,
}: {
  title: string;
  tasks: readonly ProjectTaskDto[];
  render: (task: ProjectTaskDto) => ReactNode;
}) {
  if (tasks.length === 0) return null;
  return (
    <section aria-label={title} className="tasks-section">
      <h3 className="tasks-title">
        {title} ({tasks.length})
      </h3>
      <ul className="tasks-list">
        {tasks.map((task) => (
          <li key={task.id} className="tasks-row">
            {render(task)}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TaskTarget({ task }: { task: ProjectTaskDto }) {
  return (
    <span className="tasks-target" title={`queue ${task.queue}, ${task.environment}`}>
      <code>
        {task.method} {task.path}
      </code>{' '}
      <span className="hint">
        {task.queue} · {task.environment}
      </span>
    </span>
  );
}
