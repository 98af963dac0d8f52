/**
 * A rule's "Send a webhook" action (issue 20), offered by rules only (never by macros): it posts
 * a signed `rule.triggered` event (docs/webhooks.md) to one HTTP webhook endpoint of the inbox.
 * The endpoints are read when the form opens; only admins may list them, so a supervisor's form
 * asks for none: it offers no new webhook action, and an existing one shows its endpoint's id
 * and a note instead of the select, keeping the endpoint an admin chose. Whoever else gets a 403
 * sees the same note.
 * An endpoint chosen before that is no longer one of the inbox's HTTP endpoints stays listed,
 * for the server to refuse.
 */
import { createSignal, For, Show, type Accessor } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { msg, t } from '../i18n.ts'
import type { RuleAction, rulesApi, WebhookEndpoint } from '../rules-api.ts'
import type { ExtraKind } from './MacroStep.tsx'

type Webhook = Extract<RuleAction, { type: 'webhook' }>

/** The inbox's HTTP endpoints; `forbidden`: only admins may list them; or why reading failed. */
type Endpoints = WebhookEndpoint[] | 'forbidden' | { failed: string }

/**
 * Whether a target is an HTTP URL: not a Telegram chat or channel (`telegram:`) nor e-mail
 * (`email:`), the schemes server/webhooks/telegram.ts and mail-replies.ts recognise. Not
 * webhook-labels.ts `kindOf`: importing it would move that module into a chunk of its own.
 */
const isHttp = (url: string) => !/^(telegram|email):/.test(url)

/** "CRM sync", else its URL; "(off)" when it is switched off. */
const endpointName = (e: WebhookEndpoint) => {
  const name = e.description.trim() || e.url
  return e.enabled ? name : t('{name} (off)', { name })
}

function WebhookFields(props: {
  action: RuleAction
  onChange: (action: RuleAction) => void
  endpoints: Accessor<Endpoints | undefined>
}) {
  const id = () => (props.action as Webhook).endpointId
  const list = () => {
    const endpoints = props.endpoints()
    return Array.isArray(endpoints) ? endpoints : undefined
  }
  const failed = () => {
    const endpoints = props.endpoints()
    return endpoints && typeof endpoints === 'object' && 'failed' in endpoints
      ? endpoints.failed
      : undefined
  }
  const options = (all: WebhookEndpoint[]): Array<[string, string]> => [
    ['', t('Choose an endpoint')],
    ...(id() && !all.some((e) => e.id === id())
      ? [[id(), t('Not an HTTP endpoint of this inbox ({id})', { id: id() })] as [string, string]]
      : []),
    ...all.map((e): [string, string] => [e.id, endpointName(e)]),
  ]

  return (
    <>
      <Show when={props.endpoints() === 'forbidden'}>
        <p class="muted">{t('Only admins can see webhook endpoints.')}</p>
        <Show when={id()}>
          <p>
            {t('Endpoint')}: <code>{id()}</code>
          </p>
        </Show>
      </Show>
      <Show when={failed()}>{(why) => <p class="error">{why()}</p>}</Show>
      <Show when={list()}>
        {(all) => (
          <>
            <Show when={all().length === 0}>
              <p class="muted">
                {t(
                  'This inbox has no HTTP webhook endpoint: an admin adds one in Settings → Webhooks.',
                )}
              </p>
            </Show>
            <Show when={all().length > 0 || id()}>
              <label>
                {t('Endpoint')}
                <select
                  onChange={(e) =>
                    props.onChange({ type: 'webhook', endpointId: e.currentTarget.value })
                  }
                >
                  <For each={options(all())}>
                    {([value, name]) => (
                      <option value={value} selected={value === id()}>
                        {name}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </Show>
          </>
        )}
      </Show>
    </>
  )
}

/**
 * The action for a rule form of an inbox: its kind for ActionSteps, and `problem`, why the
 * server would refuse action `n` (from 1) if it is a webhook with no endpoint chosen.
 */
export function webhookAction(
  api: ReturnType<typeof rulesApi>,
  inboxId: string,
  /** Whether the form is an admin's: anyone else may not list the endpoints (issue 20). */
  admin: boolean,
) {
  const [endpoints, setEndpoints] = createSignal<Endpoints | undefined>(
    admin ? undefined : 'forbidden',
  )
  if (admin) {
    void api.webhooks(inboxId).then(
      (r) => setEndpoints(r.endpoints.filter((e) => isHttp(e.url))),
      (e) =>
        setEndpoints(asParleyError(e).code === 'forbidden' ? 'forbidden' : { failed: describe(e) }),
    )
  }
  const kind: ExtraKind<RuleAction> = {
    type: 'webhook',
    name: msg('Send a webhook'),
    kept: !admin,
    fresh: () => ({ type: 'webhook', endpointId: '' }),
    fields: (props) => <WebhookFields {...props} endpoints={endpoints} />,
  }
  const problem = (action: RuleAction, n: number) => {
    if (action.type !== 'webhook' || action.endpointId) return undefined
    return endpoints() === 'forbidden'
      ? t('Action {n}: only an admin can choose the webhook endpoint.', { n })
      : t('Action {n}: choose a webhook endpoint.', { n })
  }
  return { kind, problem }
}
