import type { Metadata } from 'next';
import { LoginForm } from '@/components/auth/login-form';
import { ThemeToggle } from '@/components/ui/theme-toggle';
import { Logo } from '@/components/ui/logo';
import './login.css';

export const metadata: Metadata = { title: 'Log in · Slipway' };

/** The sign-in page; `?next=/path` says where to go afterwards. */
export default function LoginPage() {
  return (
    <main className="login-page">
      <div className="login-theme">
        <ThemeToggle />
      </div>
      <div className="login-brand" aria-hidden="true">
        <Logo size={26} />
      </div>
      <LoginForm />
    </main>
  );
}
