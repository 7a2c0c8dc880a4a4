import type { Metadata } from 'next';
import { IdeShell } from '@/components/ide/ide-shell';
import { ChoiceDialogProvider } from '@/components/ui/choice-dialog';
import { ToastProvider } from '@/components/ui/toast';
import '@/components/ide/ide.css';
import '@/components/ide/panes.css';

export const metadata: Metadata = { title: 'IDE · Slipway' };

/** The IDE for one project. The shell renders at once; Monaco and xterm load lazily on the client. */
export default async function IdePage({ params }: { params: Promise<{ project: string }> }) {
  const { project } = await params;
  return (
    <ToastProvider>
      <ChoiceDialogProvider>
        <IdeShell projectId={project} />
      </ChoiceDialogProvider>
    </ToastProvider>
  );
}
