'use client';

import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '@/components/api/api-client';

/** Only same-origin paths are honoured, so `?next=` cannot send people to another site. */
export function safeNextPath(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  return raw;
}

/** Email + password form; on success goes to `?next=` (or the dashboard). */
export function LoginForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.auth.login({ email, password });
      // A full navigation, so every page starts from the new session cookie.
      window.location.assign(safeNextPath(new URLSearchParams(window.location.search).get('next')));
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Slipway</h1>
      {error ? (
        <div className="alert" role="alert">
          {error}
        </div>
      ) : null}
      <label className="field">
        <span>Email</span>
        <input
          type="email"
          name="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Password</span>
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" className="btn login-submit" disabled={busy}>
        Log in
      </button>
    </form>
  );
}
