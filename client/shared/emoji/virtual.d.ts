/** The build-time emoji data (client/emoji-data.ts). */
declare module 'virtual:parley-emoji/en' {
  const rows: import('./data-types.ts').EmojiRow[]
  export default rows
}
declare module 'virtual:parley-emoji/ru' {
  const names: import('./data-types.ts').EmojiNames
  export default names
}
