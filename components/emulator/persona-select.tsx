'use client';

import { useEffect, useState } from 'react';
import type { PreviewPersona } from '@/server/protocol/preview';
import { api } from '@/components/api/api-client';
import { useToast } from '@/components/ui/toast';

const PERSONAS: { value: PreviewPersona; label: string }[] = [
  { value: 'self', label: 'Signed in as you' },
  { value: 'user', label: 'As a staff member' },
  { value: 'manager', label: 'As a manager' },
  { value: 'developer', label: 'As a developer' },
  { value: 'signed-out', label: 'Signed out' },
];

/**
 * Who the preview shows the developer as (the identity the app's `users.current` sees). The
 * platform applies it to the app's next request, so the page is reloaded after a change.
 */
export function PersonaSelect({ projectId, onChanged }: { projectId: string; onChanged: () => void }) {
  const [persona, setPersona] = useState<PreviewPersona>('self');
  const toast = useToast();

  useEffect(() => {
    let current = true;
    api.preview.persona(projectId).then(
      (chosen) => {
        if (current) setPersona(chosen.persona);
      },
      (e: unknown) => toast.error(e, 'Could not read who the preview shows you as'),
    );
    return () => {
      current = false;
    };
  }, [projectId, toast]);

  async function choose(next: PreviewPersona): Promise<void> {
    const before = persona;
    setPersona(next);
    try {
      await api.preview.setPersona(projectId, next);
      onChanged();
    } catch (e) {
      setPersona(before);
      toast.error(e, 'Could not change who the preview shows you as');
    }
  }

  return (
    <select
      className="input emulator-persona"
      aria-label="Preview identity"
      title="Who the app sees as the signed-in user"
      value={persona}
      onChange={(event) => void choose(event.target.value as PreviewPersona)}
    >
      {PERSONAS.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
