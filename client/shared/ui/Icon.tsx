/** Inline SVG icons (no icon font or image to download); decorative unless labelled. */
const PATHS = {
  mail: 'M4 6h16v12H4z M4 7l8 6 8-6',
  chat: 'M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.2 3.6c-.5.4-1.3.1-1.3-.6V16A2.5 2.5 0 0 1 4 13.5z',
  close: 'M6 6l12 12M18 6L6 18',
  down: 'M6 9l6 6 6-6',
  send: 'M4 12l16-8-6 16-2.5-6.5z M11.5 13.5L20 4',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  checks: 'M2.5 12.5L7 17l9.5-9.5 M11 16l1 1 9.5-9.5',
  clock: 'M12 7v5l3 2 M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
  alert: 'M12 8v5 M12 16.5v.5 M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z',
  edit: 'M4 20h4L19 9l-4-4L4 16z M13.5 6.5l4 4',
  back: 'M15 5l-7 7 7 7',
  trash: 'M5 7h14 M10 7V4.5h4V7 M7 7l1 13h8l1-13',
  clip: 'M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.1-8.1a3.3 3.3 0 0 1 4.7 4.7l-8.1 8.1a1.7 1.7 0 0 1-2.4-2.4l7.4-7.4',
  file: 'M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z M14 3v5h5',
  next: 'M9 5l7 7-7 7',
  smile: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z M8 14a5 5 0 0 0 8 0 M9 9v1 M15 9v1',
}

export type IconName = keyof typeof PATHS

export function Icon(props: {
  name: IconName
  size?: number
  filled?: boolean
  /** A path of its own (a panel's icon), drawn in place of the named one. */
  d?: string
}) {
  return (
    <svg
      class="icon"
      width={props.size ?? 20}
      height={props.size ?? 20}
      viewBox="0 0 24 24"
      fill={props.filled ? 'currentColor' : 'none'}
      stroke={props.filled ? 'none' : 'currentColor'}
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
    >
      <path d={props.d ?? PATHS[props.name]} />
    </svg>
  )
}
