'use client';

import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '@/components/api/api-client';
import { landingPath } from './landing-path';

/** Email + password form; on success goes to `?next=` (or where the user's roles belong, see landingPath). */
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
      const session = await api.auth.login({ email, password });
      // A full navigation, so every page starts from the new session cookie.
      window.location.assign(landingPath(new URLSearchParams(window.location.search).get('next'), session.memberships));
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
