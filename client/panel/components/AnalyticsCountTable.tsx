/**
 * A compact table of counts (issue 20): conversations by label, by attribute value, SLA breaches.
 * The first column names each row (a row header); every cell carries its column's name, so on a
 * phone each row is a card of labelled lines, as the breakdowns' are.
 */
import { For, type JSX } from 'solid-js'

/** One row: `key` for data-key (tests, no meaning to people), its name, then one cell a column. */
export interface CountRow {
  key: string
  name: JSX.Element
  cells: JSX.Element[]
}

export function CountTable(props: {
  /** The id of the heading that names the table. */
  labelledby: string
  /** The columns' names, the row header's first. */
  head: string[]
  rows: CountRow[]
}) {
  return (
    <div class="an-scroll">
      <table class="table cards an-table" aria-labelledby={props.labelledby}>
        <thead>
          <tr>
            <For each={props.head}>{(title) => <th scope="col">{title}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr data-key={row.key}>
                <th scope="row" data-label={props.head[0]}>
                  {row.name}
                </th>
                <For each={row.cells}>
                  {(cell, i) => <td data-label={props.head[i() + 1]}>{cell}</td>}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  )
}
