import { request } from 'node:http';

/** One answer of the platform services, its JSON body parsed (null when empty). */
export interface ServicesAnswer {
  status: number;
  body: unknown;
  type: string;
}

/** POSTs JSON (or a raw string) to the services socket as an instance does, with its token when given. */
export function postToServices(
  socketPath: string,
  token: string | undefined,
  urlPath: string,
  body: unknown,
): Promise<ServicesAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        socketPath,
        path: urlPath,
        method: 'POST',
        headers: {
          host: 'platform',
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: text ? (JSON.parse(text) as unknown) : null,
            type: response.headers['content-type'] ?? '',
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
}
