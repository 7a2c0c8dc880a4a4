import type { LauncherDto } from '@/server/protocol/launcher';
import { Logo } from '@/components/ui/logo';
import { LauncherIcon } from './launcher-icons';
import { LiveStatus } from './live-status';
import type { PushStatus } from './use-push';

/** The launcher's top bar: organisation (a switcher when there are several), live status, user, sign out. */
export function LauncherHeader({
  data,
  pendingTenantId,
  status,
  onChooseTenant,
  onSignOut,
}: {
  data: LauncherDto | null;
  pendingTenantId: string | null;
  status: PushStatus;
  onChooseTenant: (tenantId: string) => void;
  onSignOut: () => void;
}) {
  const user = data?.user;
  const name = user?.name || user?.email || '';
  return (
    <header className="ln-header">
      <div className="ln-org">
        <OrganisationName data={data} pendingTenantId={pendingTenantId} onChooseTenant={onChooseTenant} />
      </div>
      <LiveStatus status={status} />
      {user ? (
        <span className="ln-user" title={user.email}>
          <span className="ln-avatar" aria-hidden="true">
            {initialOf(name)}
          </span>
          <span className="ln-user-name">
            <span className="visually-hidden">Signed in as </span>
            {name}
          </span>
        </span>
      ) : null}
      <button type="button" className="ln-signout" onClick={onSignOut}>
        <LauncherIcon name="sign-out" size={20} />
        <span>Sign out</span>
      </button>
    </header>
  );
}

function OrganisationName({
  data,
  pendingTenantId,
  onChooseTenant,
}: {
  data: LauncherDto | null;
  pendingTenantId: string | null;
  onChooseTenant: (tenantId: string) => void;
}) {
  if (!data?.tenant) {
    return (
      <h1 className="ln-org-name">
        <Logo size={22} />
      </h1>
    );
  }
  if (data.tenants.length <= 1) return <h1 className="ln-org-name">{data.tenant.name}</h1>;
  return (
    <>
      <h1 className="visually-hidden">{data.tenant.name}</h1>
      <select
        className="ln-org-select"
        aria-label="Organisation"
        value={pendingTenantId ?? data.tenant.id}
        onChange={(event) => onChooseTenant(event.target.value)}
      >
        {data.tenants.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.name}
          </option>
        ))}
      </select>
    </>
  );
}

function initialOf(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toLocaleUpperCase() : '?';
}
