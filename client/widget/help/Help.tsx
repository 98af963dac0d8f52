/**
 * The help center in the widget (issue 21): the folder's public surface, named for its chunk
 * (Help-*, on demand: fetched only when the inbox's help center has a published article, as
 * the availability answer says). Without `text`, the search of the home view; with it (the
 * draft of a new conversation's first message), the suggestions above the composer. Both open
 * articles inside the widget (Reader.tsx).
 */
import './help.css'
import { Search } from './Search.tsx'
import { Suggest } from './Suggest.tsx'

/** The search (no `text`) or the suggestions for `text`. */
export default function Help(props: { text?: string }) {
  return props.text === undefined ? <Search /> : <Suggest text={props.text} />
}
