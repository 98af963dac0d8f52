/**
 * Outgoing e-mail over SMTP (issue 17, I4) with nodemailer: the server, port, TLS and
 * credentials come from SMTP_* (README, Configuration). Without SMTP_HOST there is no mailer and
 * every feature that sends mail says so (`not_configured`) instead of pretending.
 * Every send has deadlines (connect, greeting, socket) so a dead relay fails an attempt, never
 * hangs it; errors are reduced to what the delivery log may show (never the credentials).
 */
import nodemailer, { type Transporter } from 'nodemailer'
import { ParleyError } from '../../protocol/index.ts'

export interface MailConfig {
  host: string
  port: number
  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean
  /** Refuse to send unless STARTTLS upgrades the connection. */
  requireTls: boolean
  user: string | null
  password: string | null
  /** `Parley <support@example.com>`: the sender of every message. */
  from: string
  timeoutMs: number
  /** Extra trusted CA certificates (PEM), for an internal relay; null: the system's only. */
  ca: string | null
}

export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html: string
  /** Message-ID without brackets' host part chosen by the caller, for threading. */
  messageId?: string
  inReplyTo?: string
  references?: string[]
  replyTo?: string
  headers?: Record<string, string>
}

export interface SendResult {
  ok: boolean
  ms: number
  /** The relay's answer ("250 2.0.0 OK ...") or null. */
  response: string | null
  /** Why it failed (a 4xx/5xx answer, a timeout, a refused connection); null when it went. */
  error: string | null
  /** A temporary failure worth a retry (4xx, network); false for a permanent 5xx refusal. */
  retryable: boolean
}

export class Mailer {
  private readonly transport: Transporter

  constructor(readonly config: MailConfig) {
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls,
      ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      connectionTimeout: config.timeoutMs,
      greetingTimeout: config.timeoutMs,
      socketTimeout: config.timeoutMs,
      ...(config.ca ? { tls: { ca: config.ca } } : {}),
      pool: true,
      maxConnections: 2,
    })
  }

  /** One message; never throws (what went wrong is in the result). */
  async send(mail: OutgoingMail): Promise<SendResult> {
    const started = performance.now()
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(mail.messageId ? { messageId: mail.messageId } : {}),
        ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
        ...(mail.references?.length ? { references: mail.references } : {}),
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        headers: { 'auto-submitted': 'auto-generated', ...mail.headers },
      })
      return {
        ok: true,
        ms: performance.now() - started,
        response: String(info.response ?? '').slice(0, 500),
        error: null,
        retryable: false,
      }
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; code?: string }
      const code = typeof e.responseCode === 'number' ? e.responseCode : null
      return {
        ok: false,
        ms: performance.now() - started,
        response: e.response ? String(e.response).slice(0, 500) : null,
        error: code
          ? `SMTP ${code}: ${String(e.response ?? '').slice(0, 200)}`
          : `SMTP ${e.code ?? 'error'}`,
        retryable: code === null || code < 500,
      }
    }
  }

  close(): void {
    this.transport.close()
  }
}

/** The mailer, or a typed refusal naming what is missing. */
export function requireMailer(mailer: Mailer | null): Mailer {
  if (!mailer) {
    throw new ParleyError('not_configured', 'e-mail is not configured on this server (SMTP_HOST)')
  }
  return mailer
}
