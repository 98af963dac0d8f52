/** The receipt mark on an operator's own message. */
import { ReceiptMark, type ReceiptStatus } from '../../shared/ui/ReceiptMark.tsx'
import { msg, t } from '../i18n.ts'

const LABELS: Record<ReceiptStatus, string> = {
  pending: msg('Sending…'),
  failed: msg('Not sent'),
  sent: msg('Sent'),
  delivered: msg('Delivered'),
  read: msg('Read'),
}

export function Receipt(props: { status: ReceiptStatus }) {
  return <ReceiptMark status={props.status} label={t(LABELS[props.status])} />
}
