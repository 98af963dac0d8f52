import { describe, expect, test } from 'bun:test'
import { typingSender } from '../../client/shared/index.ts'

describe('typing sender', () => {
  test('typing - the first keystroke says typing, an emptied draft says stopped at once', () => {
    const sent: boolean[] = []
    const typing = typingSender((on) => sent.push(on))
    typing.input('H')
    typing.input('He')
    expect(sent).toEqual([true])
    typing.input('')
    expect(sent).toEqual([true, false])
    // Nothing more to stop: no second "off".
    typing.input('   ')
    expect(sent).toEqual([true, false])
    typing.input('A')
    expect(sent).toEqual([true, false, true])
    typing.stop()
  })

  test('typing - a blank draft never says typing', () => {
    const sent: boolean[] = []
    const typing = typingSender((on) => sent.push(on))
    typing.input(' ')
    typing.input('')
    expect(sent).toEqual([])
  })
})
