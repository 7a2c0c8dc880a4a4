import type { MembershipDto } from '@/server/protocol/identity';

/** A "Company" select, shown only to a member of more than one tenant. */
export function TenantPicker({
  id,
  memberships,
  tenantId,
  onChoose,
}: {
  id: string;
  memberships: readonly MembershipDto[] | undefined;
  tenantId: string | null;
  onChoose: (tenantId: string) => void;
}) {
  if (!memberships || memberships.length <= 1) return null;
  return (
    <div className="field tenant-picker">
      <label htmlFor={id}>Company</label>
      <select id={id} value={tenantId ?? ''} onChange={(e) => onChoose(e.target.value)}>
        {memberships.map((m) => (
          <option key={m.tenantId} value={m.tenantId}>
            {m.tenantName}
          </option>
        ))}
      </select>
    </div>
  );
}
