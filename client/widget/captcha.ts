/**
 * Proves the visitor is worth a server's while (issue 18, S4), loaded only when the server asks
 * (`captcha_required`): fetches a challenge, solves it here (protocol/captcha.ts: SHA-256 in
 * WebCrypto, awaited step by step so the page stays responsive) and hands the solution in.
 * With a token the visitor gets a pass, so what was refused goes through when resent; without
 * one (a new session) the solution is returned to ride along with the session request.
 */
import { encodeSolution, solveChallenge, type Challenge } from '../../protocol/captcha.ts'

/** A POST of JSON with the visitor's token (the caller's httpJson: no shared code in here). */
export type Post = <T>(path: string, body: unknown, token: string | null) => Promise<T>

export async function prove(post: Post, inboxId: string, token: string | null): Promise<string> {
  const challenge = await post<Challenge>('/api/visitor/challenge', { inboxId }, token)
  const found = await solveChallenge(challenge)
  if (!found) throw new Error('the challenge has no solution')
  const solution = encodeSolution(found)
  if (token) await post('/api/visitor/captcha', { solution }, token)
  return solution
}
