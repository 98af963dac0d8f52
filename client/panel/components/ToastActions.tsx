/** A notice's two buttons: open its conversation (and dismiss the notice), or dismiss it. */
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'

export function ToastActions(props: { conversationId: string; dismiss: () => void }) {
  const panel = usePanel()
  return (
    <>
      <button
        type="button"
        class="small"
        onClick={() => {
          const id = props.conversationId
          props.dismiss()
          void panel.actions.openConversation(id)
        }}
      >
        {t('Open')}
      </button>
      <button
        type="button"
        class="icon-button small"
        aria-label={t('Dismiss')}
        onClick={props.dismiss}
      >
        <Icon name="close" size={16} />
      </button>
    </>
  )
}
