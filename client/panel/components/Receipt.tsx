/** The receipt mark on an operator's own message. */
import { ReceiptMark, type ReceiptStatus } from '../../shared/ui/ReceiptMark.tsx'

const LABELS: Record<ReceiptStatus, string> = {
  pending: 'Sending…',
  failed: 'Not sent',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
}

export function Receipt(props: { status: ReceiptStatus }) {
  return <ReceiptMark status={props.status} label={LABELS[props.status]} />
}
