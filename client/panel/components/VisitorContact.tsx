/**
 * Who the visitor is (name, e-mail, phone, identified by the site or anonymous) and where
 * (GeoIP); an operator who may chat corrects the name and e-mail in place (Edit, then Save or
 * Cancel), checked before it is sent, each problem said next to its field.
 */
import { createSignal, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { names } from '../form-errors.ts'
import { placeName } from '../format.ts'
import { t } from '../i18n.ts'
import type { VisitorDetails } from '../store.ts'

/** A phone number as a tel: link takes it: digits and a leading +. */
const telOf = (phone: string) => phone.replace(/(?!^\+)[^\d]/g, '')
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** What is wrong with the form ("name: …" / "email: …"), or null. */
function check(name: string, email: string): string | null {
  // "name: " and "email: " name the field (form-errors.ts); the rest is read.
  if (name.length > 100) return `name: ${t('A name can have at most 100 characters.')}`
  if (email !== '' && (email.length > 254 || !EMAIL.test(email))) {
    return `email: ${t('Enter an e-mail address like name@example.com, or leave it empty.')}`
  }
  return null
}

export function VisitorContact(props: {
  details: VisitorDetails
  location: NonNullable<Conversation['location']> | null
}) {
  const panel = usePanel()
  const visitor = () => props.details.visitor
  const [editing, setEditing] = createSignal(false)
  const [name, setName] = createSignal('')
  const [email, setEmail] = createSignal('')
  const [error, setError] = createSignal<string | null>(null)
  const [saving, setSaving] = createSignal(false)
  let editButton: HTMLButtonElement | undefined
  let nameInput: HTMLInputElement | undefined
  const canEdit = () => panel.state.login?.operator.canChat === true

  const start = () => {
    setName(visitor().name ?? '')
    setEmail(visitor().email ?? '')
    setError(null)
    setEditing(true)
    nameInput?.focus()
  }
  const stop = () => {
    setEditing(false)
    editButton?.focus()
  }
  const save = async () => {
    const n = name().trim()
    const e = email().trim().toLowerCase()
    const problem = check(n, e)
    setError(problem)
    if (problem) {
      ;(names(problem, 'email')
        ? document.getElementById('visitor-email-input')
        : nameInput
      )?.focus()
      return
    }
    setSaving(true)
    const refused = await panel.actions.saveVisitor({ name: n || null, email: e || null })
    setSaving(false)
    if (refused) setError(refused)
    else stop()
  }
  const fieldError = (field: string) => {
    const e = error()
    return e && names(e, field) ? e.slice(e.indexOf(':') + 2) : null
  }
  const otherError = () => {
    const e = error()
    return e && !names(e, 'name') && !names(e, 'email') ? e : null
  }

  return (
    <section class="visitor-section" aria-labelledby="visitor-contact-title">
      <div class="section-head">
        <h3 id="visitor-contact-title">{t('Contact')}</h3>
        <Show when={canEdit() && !editing()}>
          <button
            type="button"
            class="ghost small-button"
            ref={(el) => (editButton = el)}
            onClick={start}
            aria-label={t('Edit name and e-mail')}
          >
            {t('Edit')}
          </button>
        </Show>
      </div>
      <Show when={editing()}>
        <form
          class="contact-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault()
            void save()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation()
              stop()
            }
          }}
        >
          <label>
            {t('Name')}
            <input
              ref={(el) => (nameInput = el)}
              value={name()}
              maxLength={200}
              autocomplete="off"
              dir="auto"
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={fieldError('name') ? true : undefined}
              aria-describedby={fieldError('name') ? 'visitor-name-error' : undefined}
            />
          </label>
          <Show when={fieldError('name')}>
            {(msg) => (
              <p class="error" id="visitor-name-error">
                {msg()}
              </p>
            )}
          </Show>
          <label>
            {t('E-mail')}
            <input
              id="visitor-email-input"
              type="email"
              value={email()}
              maxLength={300}
              autocomplete="off"
              onInput={(e) => setEmail(e.currentTarget.value)}
              aria-invalid={fieldError('email') ? true : undefined}
              aria-describedby={fieldError('email') ? 'visitor-email-error' : undefined}
            />
          </label>
          <Show when={fieldError('email')}>
            {(msg) => (
              <p class="error" id="visitor-email-error">
                {msg()}
              </p>
            )}
          </Show>
          <Show when={otherError()}>
            {(msg) => (
              <p class="error" role="alert">
                {msg()}
              </p>
            )}
          </Show>
          <div class="form-foot">
            <button type="submit" disabled={saving()}>
              {t('Save')}
            </button>
            <button type="button" class="secondary" onClick={stop}>
              {t('Cancel')}
            </button>
          </div>
        </form>
      </Show>
      <dl class="visitor-list">
        <Show when={!editing()}>
          <div>
            <dt>{t('Name')}</dt>
            <dd data-testid="visitor-name">
              <Show when={visitor().name} fallback={<span class="muted">{t('Not given')}</span>}>
                {(n) => <SafeText text={n()} />}
              </Show>
            </dd>
          </div>
          <div>
            <dt>{t('E-mail')}</dt>
            <dd data-testid="visitor-email">
              <Show when={visitor().email} fallback={<span class="muted">{t('Not given')}</span>}>
                {(mail) => (
                  <a href={`mailto:${encodeURIComponent(mail()).replace('%40', '@')}`}>
                    <SafeText text={mail()} />
                  </a>
                )}
              </Show>
            </dd>
          </div>
        </Show>
        <Show when={visitor().phone}>
          {(phone) => (
            <div>
              <dt>{t('Phone')}</dt>
              <dd>
                <a href={`tel:${telOf(phone())}`}>
                  <SafeText text={phone()} />
                </a>
              </dd>
            </div>
          )}
        </Show>
        <div>
          <dt>{t('Identity')}</dt>
          <dd data-testid="visitor-identity">
            <Show when={visitor().identified} fallback={t('Anonymous')}>
              <span class="pill identified" title={t('Signed in on the site (identity check)')}>
                {t('Identified')}
              </span>
              <Show when={visitor().externalId}>
                {(ext) => (
                  <>
                    {' '}
                    <span class="muted">{t('user id')}</span> <SafeText text={ext()} />
                  </>
                )}
              </Show>
            </Show>
          </dd>
        </div>
        <Show when={props.location}>
          {(location) => (
            <div>
              <dt>{t('Location')}</dt>
              <dd>
                <SafeText text={placeName(location())} />
              </dd>
            </div>
          )}
        </Show>
      </dl>
    </section>
  )
}
