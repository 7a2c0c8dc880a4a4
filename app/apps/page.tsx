import type { Metadata } from 'next';
import { AppsView } from '@/components/apps/apps-view';
import { ToastProvider } from '@/components/ui/toast';
import '../dashboard.css';

export const metadata: Metadata = { title: 'Published apps · Slipway' };

/** Published apps of the chosen tenant: versions, roll back, instances. */
export default function AppsPage() {
  return (
    <ToastProvider>
      <AppsView />
    </ToastProvider>
  );
}
