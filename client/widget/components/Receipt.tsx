/** The receipt mark on the visitor's own message, labelled in the widget's language. */
import { useWidget } from '../context.ts'
import { ReceiptMark, type ReceiptStatus } from '../../shared/ui/ReceiptMark.tsx'

export function Receipt(props: { status: ReceiptStatus }) {
  const w = useWidget()
  return <ReceiptMark status={props.status} label={w.t[props.status]} />
}
