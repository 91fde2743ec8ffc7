import { describe, expect, it, vi } from 'vitest';
import { authorizeSession, parseSecretFile, sessionCookie } from './connection.js';

const secret = 'x'.repeat(43);

describe('the secret file', () => {
  it('gives the URL, origin and secret of an engine on 127.0.0.1', () => {
    expect(parseSecretFile(JSON.stringify({ url: 'http://127.0.0.1:50123/', secret }))).toEqual({
      url: 'http://127.0.0.1:50123/',
      origin: 'http://127.0.0.1:50123',
      secret,
    });
  });

  it('refuses anything that would send the secret elsewhere, or is not complete', () => {
    const bad = [
      { url: 'http://evil.example:50123/', secret },
      { url: 'https://127.0.0.1:50123/', secret },
      { url: 'http://localhost:50123/', secret },
      { url: 'http://127.0.0.1/', secret },
      { url: 'http://127.0.0.1:50123/', secret: 'short' },
      { url: 'http://127.0.0.1:50123/' },
    ];
    for (const b of bad) expect(() => parseSecretFile(JSON.stringify(b)), JSON.stringify(b)).toThrow();
    expect(() => parseSecretFile('{"url": "http://127.0.0.1:1/", "sec')).toThrow(); // written half-way
  });

  it('logs the window in with an HttpOnly, SameSite=Strict session cookie for the engine only', async () => {
    const conn = parseSecretFile(JSON.stringify({ url: 'http://127.0.0.1:50123/', secret }));
    const cookies = { set: vi.fn(async () => undefined) };
    await authorizeSession(cookies, conn);
    expect(cookies.set.mock.calls).toEqual([[sessionCookie(conn)]]);
    expect(sessionCookie(conn)).toEqual({
      url: 'http://127.0.0.1:50123/',
      name: 'keepsake_session',
      value: secret,
      path: '/',
      httpOnly: true,
      secure: false,
      sameSite: 'strict',
    });
  });
});
