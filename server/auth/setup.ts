/**
 * First run (issue 16): a server started with no admin and no ADMIN_EMAIL still leads
 * somewhere. It logs a setup link whose code is derived from the server secret (so every node of
 * a cluster accepts the same code), and `/panel/` shows a "create the first admin" form that
 * needs that code. The code works only while no active admin exists: once one does, it is void.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import {
  newId,
  type Clock,
  type Logger,
  type OperatorRecord,
  type Store,
} from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { RateLimiter } from '../limits.ts'
import type { AuthService } from './service.ts'

/** Setup attempts per client address: a few at once, then a few per minute. */
const ATTEMPTS = { burst: 5, perMinute: 5 }

export interface FirstAdmin {
  code: string
  email: string
  name: string
  password: string
}

export class FirstRunSetup {
  readonly #code: Buffer
  readonly #attempts: RateLimiter
  /** Setups on this node one after another: two forms sent at once make one admin. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly deps: {
      store: Store
      auth: AuthService
      secret: string
      clock: Clock
      log: Logger
    },
  ) {
    this.#code = createHmac('sha256', deps.secret).update('parley first-admin setup v1').digest()
    this.#attempts = new RateLimiter(ATTEMPTS.burst, ATTEMPTS.perMinute, () => deps.clock.now())
  }

  /** The setup code, as the log prints it. */
  get code(): string {
    return this.#code.toString('base64url')
  }

  /** True while no active admin exists. */
  async pending(): Promise<boolean> {
    return (await this.deps.store.operators.countActiveAdmins()) === 0
  }

  /** Creates the first admin, a member of every inbox, and signs them in. */
  createAdmin(input: FirstAdmin, clientKey: string) {
    this.#attempts.take(`setup:${clientKey}`, 'setup attempts')
    const run = this.#queue.then(() => this.#create(input, clientKey))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #create(input: FirstAdmin, clientKey: string) {
    const given = Buffer.from(input.code, 'utf8')
    const expected = Buffer.from(this.code, 'utf8')
    const matches = given.length === expected.length && timingSafeEqual(given, expected)
    if (!(await this.pending())) {
      throw new ParleyError('conflict', 'the first admin exists already; sign in instead')
    }
    if (!matches) {
      this.deps.log.warn('first-admin setup refused', { address: clientKey, reason: 'wrong code' })
      throw new ParleyError(
        'forbidden',
        'code: the setup code is wrong; copy it from the server log',
      )
    }
    const { store, clock } = this.deps
    if (await store.operators.getByEmail(input.email)) {
      throw new ParleyError('conflict', 'email: an operator with this email exists already')
    }
    const now = clock.now()
    const op: OperatorRecord = {
      id: newId(),
      email: input.email,
      name: input.name,
      displayName: null,
      avatarId: null,
      role: 'admin',
      canChat: true,
      active: true,
      status: 'online',
      passwordHash: await this.deps.auth.hashPassword(input.password),
      createdAt: now,
      updatedAt: now,
    }
    await store.operators.create(op)
    const inboxIds = (await store.inboxes.list()).map((inbox) => inbox.id)
    if (inboxIds.length > 0) await store.inboxes.addMember(inboxIds, op.id)
    this.deps.log.info('first admin created through setup', {
      email: op.email,
      address: clientKey,
    })
    return this.deps.auth.openSession(op)
  }
}
