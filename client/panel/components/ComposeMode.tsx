/**
 * Reply or Note: what the composer writes. Two native radio buttons (arrow keys move between
 * them); a note is amber everywhere it appears, so nobody sends it to the visitor by mistake.
 */
import { createUniqueId } from 'solid-js'
import { t } from '../i18n.ts'
import '../notes.css'

export type ComposeModeValue = 'reply' | 'note'

export function ComposeMode(props: {
  value: ComposeModeValue
  disabled: boolean
  onChange: (mode: ComposeModeValue) => void
}) {
  const name = createUniqueId()
  return (
    <div class="mode-switch" role="radiogroup" aria-label={t('Write a')}>
      <label>
        <input
          type="radio"
          name={name}
          value="reply"
          checked={props.value === 'reply'}
          disabled={props.disabled}
          onChange={() => props.onChange('reply')}
        />
        {t('Reply')}
      </label>
      <label class="note-mode">
        <input
          type="radio"
          name={name}
          value="note"
          checked={props.value === 'note'}
          disabled={props.disabled}
          onChange={() => props.onChange('note')}
        />
        {t('Note')}
      </label>
    </div>
  )
}
