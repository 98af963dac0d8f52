/**
 * A message's markdown as DOM nodes, built from the safe tree of markdown.ts: elements from a
 * fixed list and text nodes, never innerHTML (C8). A lazy chunk (with marked); RichText shows
 * the plain rendering until it is here. Links open in a new tab and pass on nothing.
 */
import { createMemo, For, type JSX } from 'solid-js'
import { assertNever } from '../emitter.ts'
import { markdownTree, type RichBlock, type RichInline } from '../markdown.ts'
import './markdown.css'

export default function Markdown(props: { text: string }) {
  const tree = createMemo(() => markdownTree(props.text))
  return (
    <div class="text md" dir="auto">
      <For each={tree()}>{block}</For>
    </div>
  )
}

function block(b: RichBlock): JSX.Element {
  switch (b.kind) {
    case 'paragraph':
      return <p>{inlines(b.children)}</p>
    case 'plain':
      return inlines(b.children)
    case 'codeblock':
      return (
        <pre tabIndex={0}>
          <code>{b.text}</code>
        </pre>
      )
    case 'quote':
      return <blockquote>{b.children.map(block)}</blockquote>
    case 'list': {
      const items = b.items.map((item) => <li>{item.map(block)}</li>)
      return b.ordered ? <ol start={b.start}>{items}</ol> : <ul>{items}</ul>
    }
    case 'rule':
      return <hr />
    default:
      return assertNever(b)
  }
}

function inlines(list: RichInline[]): JSX.Element {
  return list.map(inline)
}

function inline(i: RichInline): JSX.Element {
  switch (i.kind) {
    case 'text':
      return i.text
    case 'strong':
      return <strong>{inlines(i.children)}</strong>
    case 'em':
      return <em>{inlines(i.children)}</em>
    case 'del':
      return <del>{inlines(i.children)}</del>
    case 'code':
      return <code>{i.text}</code>
    case 'br':
      return <br />
    case 'link':
      return (
        <a href={i.href} title={i.href} target="_blank" rel="noopener noreferrer nofollow">
          {inlines(i.children)}
        </a>
      )
    default:
      return assertNever(i)
  }
}
