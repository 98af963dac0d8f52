/**
 * The name an operator sees for a visitor (issue 16): their name, else their e-mail, else a
 * readable name derived from the visitor id ("Amber Fox 42"), the same on server and panel.
 */

const ADJECTIVES = [
  'Amber',
  'Azure',
  'Brave',
  'Calm',
  'Clever',
  'Coral',
  'Crimson',
  'Gentle',
  'Golden',
  'Happy',
  'Indigo',
  'Jade',
  'Lively',
  'Lucky',
  'Mellow',
  'Misty',
  'Noble',
  'Olive',
  'Quiet',
  'Rapid',
  'Rosy',
  'Silver',
  'Sunny',
  'Swift',
  'Teal',
  'Tidy',
  'Violet',
  'Wise',
  'Witty',
  'Young',
  'Zesty',
  'Bold',
] as const

const ANIMALS = [
  'Badger',
  'Bear',
  'Beaver',
  'Crane',
  'Deer',
  'Dolphin',
  'Eagle',
  'Falcon',
  'Fox',
  'Gecko',
  'Hare',
  'Heron',
  'Koala',
  'Lark',
  'Lynx',
  'Marten',
  'Moose',
  'Otter',
  'Owl',
  'Panda',
  'Puffin',
  'Raven',
  'Robin',
  'Seal',
  'Sparrow',
  'Stork',
  'Swan',
  'Tiger',
  'Turtle',
  'Walrus',
  'Wolf',
  'Wren',
] as const

/** FNV-1a over the id's UTF-16 code units: small, stable, spreads UUIDs well. */
function hash(id: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

/** A readable name derived from the visitor id alone: the same id always gives the same name. */
export function generatedVisitorName(visitorId: string): string {
  const h = hash(visitorId)
  const adjective = ADJECTIVES[h % ADJECTIVES.length] ?? ADJECTIVES[0]
  const animal = ANIMALS[(h >>> 5) % ANIMALS.length] ?? ANIMALS[0]
  return `${adjective} ${animal} ${((h >>> 10) % 99) + 1}`
}

/** The visitor's name, else e-mail, else the generated name (blank values count as absent). */
export function visitorLabel(visitor: {
  id: string
  name?: string | null
  email?: string | null
}): string {
  return visitor.name?.trim() || visitor.email?.trim() || generatedVisitorName(visitor.id)
}
