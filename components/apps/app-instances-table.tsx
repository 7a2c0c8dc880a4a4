import type { AppDto, InstanceDto } from '@/server/protocol/apps';
import { relativeTime } from '@/components/ui/relative-time';

/** An app's instances: which version, state, memory limit, restarts. */
export function AppInstancesTable({ app, instances }: { app: AppDto; instances: readonly InstanceDto[] }) {
  if (instances.length === 0) {
    return <p className="hint">No instances running (the app starts on its next request when scaled to zero).</p>;
  }
  return (
    <table className="apps-table" aria-label={`Instances of ${app.slug}`}>
      <thead>
        <tr>
          <th scope="col">Instance</th>
          <th scope="col">Version</th>
          <th scope="col">State</th>
          <th scope="col">Memory</th>
          <th scope="col">Restarts</th>
          <th scope="col">Driver</th>
          <th scope="col">Started</th>
        </tr>
      </thead>
      <tbody>
        {instances.map((i) => (
          <tr key={i.id}>
            <th scope="row">
              <code title={i.id}>{i.id.slice(0, 8)}</code>
            </th>
            <td>v{i.version}</td>
            <td className={`instance-${i.state}`}>{i.state}</td>
            <td>{i.memoryMb} MB</td>
            <td>{i.restarts}</td>
            <td>{i.driver}</td>
            <td title={i.startedAt}>{relativeTime(i.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
