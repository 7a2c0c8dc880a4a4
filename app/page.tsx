import { Dashboard } from '@/components/dashboard/dashboard';
import { ChoiceDialogProvider } from '@/components/ui/choice-dialog';
import { ToastProvider } from '@/components/ui/toast';
import './dashboard.css';

/** Dashboard: tenants, their apps, and the new-app wizard. */
export default function HomePage() {
  return (
    <ToastProvider>
      <ChoiceDialogProvider>
        <Dashboard />
      </ChoiceDialogProvider>
    </ToastProvider>
  );
}
