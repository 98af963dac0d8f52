/**
 * An SMTP server on loopback for tests (issue 17, I4): the `smtp-server` package speaking real
 * SMTP, with AUTH required, every message parsed with `mailparser`. A test may make it refuse
 * recipients (a 4xx or 5xx answer) to see retries and failures.
 */
import { expect } from 'bun:test'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Received {
  from: string
  to: string[]
  user: string | null
  mail: ParsedMail
}

export interface SmtpSink {
  port: number
  received: Received[]
  /** An SMTP error for the next RCPT TO (e.g. 451 or 550); null: accept. */
  refuse: { code: number; message: string } | null
  waitFor(predicate: (r: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>
  stop(): Promise<void>
}

export const SMTP_USER = 'parley'
export const SMTP_PASSWORD = 'relay-password'

export async function startSmtp(): Promise<SmtpSink> {
  const sink: SmtpSink = {
    port: 0,
    received: [],
    refuse: null,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = performance.now() + timeoutMs
      while (!predicate(sink.received)) {
        if (performance.now() > until)
          expect(sink.received.map((r) => r.mail.subject)).toEqual(['<condition met>'])
        await Bun.sleep(10)
      }
      return sink.received
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust in tests (STARTTLS is the relay's matter).
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        return callback(null, { user: auth.username })
      return callback(
        Object.assign(new Error('Invalid username or password'), { responseCode: 535 }),
      )
    },
    onRcptTo(_address, _session, callback) {
      const refusal = sink.refuse
      if (refusal)
        return callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }))
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          sink.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : null,
            mail,
          })
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const address = server.server.address()
  sink.port = typeof address === 'object' && address ? address.port : 0
  return sink
}

/** The server settings that send mail through `sink` as `from` (add PUBLIC_URL etc. as needed). */
export function smtpEnv(sink: SmtpSink, from: string): Record<string, string> {
  return {
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    SMTP_USER,
    SMTP_PASSWORD,
    SMTP_FROM: from,
    SMTP_TIMEOUT_MS: '5000',
  }
}
