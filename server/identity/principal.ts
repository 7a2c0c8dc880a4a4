/** Who is making a request, after authentication. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  isOperator: boolean;
  /** How the request proved its identity; CSRF checks apply only to cookie sessions. */
  via: 'session' | 'api-token';
  /** Digest of the session id, for ending the session's terminals on logout. */
  sessionKey: string;
  csrfToken?: string;
}
