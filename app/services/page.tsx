import type { Metadata } from 'next';
import { ServicesView } from '@/components/services/services-view';
import { ToastProvider } from '@/components/ui/toast';
import '../dashboard.css';

export const metadata: Metadata = { title: 'Services · Slipway' };

/** The chosen organisation's service contract and URL fetch audit log. */
export default function ServicesPage() {
  return (
    <ToastProvider>
      <ServicesView />
    </ToastProvider>
  );
}
