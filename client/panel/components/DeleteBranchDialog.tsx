/** Confirms deleting a branch: its conversations move to the default branch, its rules go. */
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { BranchView } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'

export function DeleteBranchDialog(props: {
  inboxId: string
  branch: BranchView
  defaultName: string
  /** `deleted`: the branch is gone (and with it the button that opened this). */
  onClose: (deleted: boolean) => void
}) {
  const panel = usePanel()
  return (
    <ConfirmDialog
      title={t('Delete branch?')}
      confirm={t('Delete branch')}
      danger
      run={() => panel.actions.deleteBranch(props.inboxId, props.branch.id)}
      onClose={props.onClose}
    >
      <p>
        {t(
          '{name} will be deleted. Its conversations move to the default branch, {defaultName}, and GeoIP rules that send visitors to it are removed.',
        )
          .split(/(\{name\}|\{defaultName\})/)
          .map((part) =>
            part === '{name}' ? (
              <SafeText text={props.branch.name} />
            ) : part === '{defaultName}' ? (
              <SafeText text={props.defaultName} />
            ) : (
              part
            ),
          )}
      </p>
    </ConfirmDialog>
  )
}
