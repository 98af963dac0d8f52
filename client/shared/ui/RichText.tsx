/** Message text with bold and links, built from tokens as text nodes: never innerHTML (C8). */
import { For, Match, Switch } from 'solid-js'
import { parseRichText } from '../index.ts'

export function RichText(props: { text: string }) {
  return (
    <span class="text">
      <For each={parseRichText(props.text)}>
        {(token) => (
          <Switch fallback={token.text}>
            <Match when={token.kind === 'bold'}>
              <strong>{token.text}</strong>
            </Match>
            <Match when={token.kind === 'link' && token}>
              {(link) => (
                <a href={link().href} target="_blank" rel="noopener noreferrer">
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
