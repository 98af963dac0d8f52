/**
 * Message text with bold and links, built from tokens as text nodes: never innerHTML (C8).
 * Isolated (`dir="auto"`): a right-to-left message cannot reorder what surrounds it. A link's
 * title is its real target (punycode host, percent-encoded path).
 */
import { For, Match, Switch } from 'solid-js'
import { parseRichText } from '../index.ts'

export function RichText(props: { text: string }) {
  return (
    <span class="text" dir="auto">
      <For each={parseRichText(props.text)}>
        {(token) => (
          <Switch fallback={token.text}>
            <Match when={token.kind === 'bold'}>
              <strong>{token.text}</strong>
            </Match>
            <Match when={token.kind === 'link' && token}>
              {(link) => (
                <a href={link().href} title={link().href} target="_blank" rel="noopener noreferrer">
                  {link().text}
                </a>
              )}
            </Match>
          </Switch>
        )}
      </For>
    </span>
  )
}
