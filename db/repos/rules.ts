/**
 * RuleStore (issue 20): an inbox's automation rules (validated JSON conditions and actions),
 * the rules outbox the conversation writes leave, and the runs the runner records
 * (server/rules/runner.ts).
 */
import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, lte, max, sql } from 'drizzle-orm'
import type { OutboxMark, RuleRunRecord, RuleStore } from '../../actors/ports.ts'
import { ParleyError, type Conversation } from '../../protocol/index.ts'
import type { Rule, RuleAction, RuleCondition, RuleEvent } from '../../protocol/rules.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  bound,
  field,
  insertInto,
  param,
  remove,
  selectFields,
  selectRows,
  update,
  updateRows,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { asConflict } from './conflicts.ts'
import { labelKey } from './labels.ts'
import { toConversation } from './rows.ts'

const TAKEN = 'a rule with this name already exists in this inbox'

function toRule(row: Rows['rules']): Rule {
  return {
    id: row.id,
    inboxId: row.inboxId,
    name: row.name,
    enabled: row.enabled,
    position: row.position,
    event: row.event as RuleEvent,
    waitMinutes: row.waitMinutes,
    conditions: JSON.parse(row.conditions) as RuleCondition[],
    actions: JSON.parse(row.actions) as RuleAction[],
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    runs: row.runs,
    lastRunAt: row.lastRunAt,
    lastError:
      row.lastError !== null && row.lastErrorAt !== null
        ? { at: row.lastErrorAt, message: row.lastError }
        : null,
  }
}

export class SqlRuleStore implements RuleStore {
  readonly #insert = insertInto('rules')
  readonly #insertRun = insertInto('ruleRuns', { doNothing: true })
  readonly #get
  readonly #list
  readonly #enabled
  readonly #marks
  readonly #settleMark
  readonly #advanceMark
  readonly #ran
  readonly #failed

  constructor(private readonly db: SqlDialect) {
    const { rules: r, ruleMarks: m } = db.tables
    this.#get = selectRows('rules', { where: eq(r.id, param('id')) })
    // rules_inbox_name_uq's leading column; an inbox holds at most MAX_INBOX_RULES.
    this.#list = selectRows('rules', {
      where: eq(r.inboxId, param('inboxId')),
      orderBy: [asc(r.position), asc(r.id)],
    })
    this.#enabled = selectRows('rules', {
      where: eq(r.enabled, true),
      orderBy: [asc(r.inboxId), asc(r.position), asc(r.id)],
    })
    this.#marks = selectRows('ruleMarks', {
      orderBy: [asc(m.markedAt), asc(m.conversationId)],
      limit: param('limit'),
    })
    // Gone only if no later write renewed it; otherwise its first unseen event moves on.
    this.#settleMark = remove(
      'ruleMarks',
      and(eq(m.conversationId, param('conversationId')), lte(m.seq, param('covered'))),
      { id: field(m.conversationId) },
    )
    this.#advanceMark = update(
      'ruleMarks',
      { fromSeq: bound('next') },
      and(eq(m.conversationId, param('conversationId')), lt(m.fromSeq, param('next'))),
      { id: field(m.conversationId) },
    )
    this.#ran = update(
      'rules',
      { runs: sql`${r.runs} + 1`, lastRunAt: bound('at'), lastError: null, lastErrorAt: null },
      eq(r.id, param('id')),
      { id: field(r.id) },
    )
    this.#failed = update(
      'rules',
      { lastError: bound('error'), lastErrorAt: bound('at') },
      eq(r.id, param('id')),
      { id: field(r.id) },
    )
  }

  async list(inboxId: string): Promise<Rule[]> {
    return (await this.db.all(this.#list, { inboxId })).map(toRule)
  }

  async enabled(): Promise<Rule[]> {
    return (await this.db.all(this.#enabled, {})).map(toRule)
  }

  async get(id: string): Promise<Rule | null> {
    const [row] = await this.db.all(this.#get, { id })
    return row ? toRule(row) : null
  }

  /** The inbox row is read for update first: concurrent creates cannot race past `max`. */
  async create(rule: Rule, limit: number): Promise<Rule> {
    const { rules: r, inboxes: i } = this.db.tables
    const owner = selectFields({ id: field(i.id) }, 'inboxes', {
      where: eq(i.id, rule.inboxId),
      forUpdate: true,
    })
    const counted = selectFields({ n: count() }, 'rules', { where: eq(r.inboxId, rule.inboxId) })
    // After the inbox's last rule. Two adds at once may share a position: the list orders
    // ties by id, and the next reorder sets them apart.
    const [last] = await this.db.all(
      selectFields({ last: max(r.position) }, 'rules', { where: eq(r.inboxId, rule.inboxId) }),
    )
    const position = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1
    const row: Rows['rules'] = {
      id: rule.id,
      inboxId: rule.inboxId,
      name: rule.name,
      nameKey: labelKey(rule.name),
      enabled: rule.enabled,
      position,
      event: rule.event,
      waitMinutes: rule.waitMinutes,
      conditions: JSON.stringify(rule.conditions),
      actions: JSON.stringify(rule.actions),
      createdBy: rule.createdBy,
      createdAt: rule.createdAt,
      updatedAt: rule.updatedAt,
      runs: 0,
      lastRunAt: null,
      lastError: null,
      lastErrorAt: null,
    }
    try {
      await this.db.transaction([
        queryStep(owner, {}, (rows) => {
          if (rows.length === 0) throw new ParleyError('not_found', 'inbox not found')
        }),
        queryStep(counted, {}, (rows) => {
          if (Number(rows[0]?.n ?? 0) >= limit) {
            throw new ParleyError('validation_failed', `an inbox defines at most ${limit} rules`)
          }
        }),
        ...insertStep(this.#insert, [row]),
      ])
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
    return { ...rule, position, runs: 0, lastRunAt: null, lastError: null }
  }

  async update(
    id: string,
    patch: Partial<
      Pick<Rule, 'name' | 'enabled' | 'event' | 'waitMinutes' | 'conditions' | 'actions'>
    > & { updatedAt: number },
  ): Promise<Rule | null> {
    const r = this.db.tables.rules
    try {
      const [row] = await this.db.all(
        updateRows(
          'rules',
          {
            name: patch.name,
            nameKey: patch.name === undefined ? undefined : labelKey(patch.name),
            enabled: patch.enabled,
            event: patch.event,
            waitMinutes: patch.waitMinutes,
            conditions:
              patch.conditions === undefined ? undefined : JSON.stringify(patch.conditions),
            actions: patch.actions === undefined ? undefined : JSON.stringify(patch.actions),
            updatedAt: patch.updatedAt,
          },
          eq(r.id, id),
        ),
      )
      return row ? toRule(row) : null
    } catch (error) {
      throw asConflict(this.db, error, TAKEN)
    }
  }

  async delete(id: string): Promise<boolean> {
    const r = this.db.tables.rules
    const gone = await this.db.all(remove('rules', eq(r.id, id), { id: field(r.id) }))
    return gone.length > 0
  }

  async reorder(inboxId: string, ids: readonly string[], updatedAt: number): Promise<Rule[]> {
    const { rules: r, inboxes: i } = this.db.tables
    const owner = selectFields({ id: field(i.id) }, 'inboxes', {
      where: eq(i.id, inboxId),
      forUpdate: true,
    })
    const current = selectFields({ id: field(r.id) }, 'rules', { where: eq(r.inboxId, inboxId) })
    const wanted = new Set(ids)
    await this.db.transaction([
      queryStep(owner, {}, (rows) => {
        if (rows.length === 0) throw new ParleyError('not_found', 'inbox not found')
      }),
      queryStep(current, {}, (rows) => {
        const same =
          rows.length === ids.length &&
          wanted.size === ids.length &&
          rows.every((x) => wanted.has(x.id))
        if (!same) {
          throw new ParleyError('validation_failed', "ids must name each of the inbox's rules once")
        }
      }),
      ...ids.map((id, position) =>
        queryStep(
          update('rules', { position, updatedAt }, and(eq(r.id, id), eq(r.inboxId, inboxId)), {
            id: field(r.id),
          }),
          {},
        ),
      ),
    ])
    return this.list(inboxId)
  }

  marks(limit: number): Promise<OutboxMark[]> {
    return this.db.all(this.#marks, { limit })
  }

  async runs(conversationId: string, triggers: readonly string[]): Promise<RuleRunRecord[]> {
    if (triggers.length === 0) return []
    const x = this.db.tables.ruleRuns
    // A primary-key range: (rule_id, conversation_id, trigger) is read per rule of the inbox by
    // the caller's triggers; rules are few, so this reads the conversation's runs by filter.
    const rows = await this.db.all(
      selectRows('ruleRuns', {
        where: and(eq(x.conversationId, conversationId), inArray(x.trigger, [...triggers])),
      }),
    )
    return rows.map((row) => ({ ...row, outcome: row.outcome as RuleRunRecord['outcome'] }))
  }

  async settle(
    runs: readonly RuleRunRecord[],
    marks: readonly { conversationId: string; covered: number }[],
  ): Promise<void> {
    if (runs.length === 0 && marks.length === 0) return
    const steps: Step[] = [
      ...insertStep(
        this.#insertRun,
        runs.map((run) => ({ ...run })),
      ),
    ]
    for (const run of runs) {
      steps.push(
        run.outcome === 'done'
          ? queryStep(this.#ran, { id: run.ruleId, at: run.at })
          : queryStep(this.#failed, {
              id: run.ruleId,
              at: run.at,
              error: run.error ?? run.outcome,
            }),
      )
    }
    for (const { conversationId, covered } of marks) {
      const params = { conversationId, covered, next: covered + 1 }
      steps.push(queryStep(this.#settleMark, params), queryStep(this.#advanceMark, params))
    }
    await this.db.transaction(steps)
  }

  async waiting(
    inboxId: string,
    cutoff: number,
    oldest: number,
    limit: number,
  ): Promise<Conversation[]> {
    const c = this.db.tables.conversations
    const rows = await this.db.all(
      selectRows('conversations', {
        where: and(
          eq(c.inboxId, inboxId),
          eq(c.status, 'open'),
          eq(c.snoozed, false),
          isNotNull(c.waitingSince),
          lte(c.waitingSince, cutoff),
          gte(c.waitingSince, oldest),
        ),
        orderBy: [asc(c.waitingSince), asc(c.id)],
        limit,
      }),
    )
    return rows.map(toConversation)
  }

  async recent(inboxId: string, since: number, limit: number): Promise<Conversation[]> {
    const c = this.db.tables.conversations
    const rows = await this.db.all(
      selectRows('conversations', {
        where: and(eq(c.inboxId, inboxId), gte(c.createdAt, since)),
        orderBy: [desc(c.createdAt), desc(c.id)],
        limit,
      }),
    )
    return rows.map(toConversation)
  }

  async prune(before: number, limit: number): Promise<number> {
    const x = this.db.tables.ruleRuns
    // rule_runs_at: the oldest first.
    const old = await this.db.all(
      selectFields(
        {
          conversationId: field(x.conversationId),
          trigger: field(x.trigger),
          ruleId: field(x.ruleId),
        },
        'ruleRuns',
        { where: lt(x.at, before), orderBy: [asc(x.at)], limit },
      ),
    )
    if (old.length === 0) return 0
    await this.db.transaction(
      old.map((k) =>
        queryStep(
          remove(
            'ruleRuns',
            and(
              eq(x.conversationId, k.conversationId),
              eq(x.trigger, k.trigger),
              eq(x.ruleId, k.ruleId),
            ),
            { id: field(x.ruleId) },
          ),
          {},
        ),
      ),
    )
    return old.length
  }
}
