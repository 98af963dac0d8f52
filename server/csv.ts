/**
 * CSV files for exports (the audit trail, analytics): RFC 4180, CRLF line ends. A text cell a
 * spreadsheet would run as a formula (a leading =, +, -, @, tab or CR) is prefixed with a quote:
 * these files carry visitors' and operators' own text.
 */
export function csv(
  header: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

/** One cell: empty for null, text as is, numbers as written, anything else as JSON. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : JSON.stringify(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
