/** Confirms signing out on every device (this one included): a stolen session ends too. */
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'

export function SignOutEverywhereDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  // Done: the panel shows the sign-in page and this dialog goes with the shell.
  return (
    <ConfirmDialog
      title={t('Sign out everywhere?')}
      confirm={t('Sign out everywhere')}
      run={() => panel.actions.logoutEverywhere()}
      onClose={() => props.onClose()}
    >
      <p>{t('This ends your sessions in every browser and on every device, this one included.')}</p>
    </ConfirmDialog>
  )
}
