import { describe, expect, test } from 'bun:test'
import { sseParser } from '../../client/shared/sse-channel.ts'

/** Feeds the chunks to a parser; returns the data of every event it completed. */
function parse(...chunks: string[]): string[] {
  const events: string[] = []
  const push = sseParser((data) => events.push(data))
  for (const chunk of chunks) push(chunk)
  return events
}

describe('event stream parsing', () => {
  test('sse - each data line followed by a blank line is one event; comments and retry are skipped', () => {
    expect(parse('retry: 2000\n\ndata: {"a":1}\n\n: ping\n\ndata: {"b":2}\n\n')).toEqual([
      '{"a":1}',
      '{"b":2}',
    ])
  })

  test('sse - an event split anywhere across chunks, CRLF split included, comes out whole', () => {
    const stream = 'data: {"text":"héllo"}\r\n\r\ndata:{"n":2}\r\rdata: x\ndata: y\n\n'
    for (let cut = 1; cut < stream.length; cut++) {
      expect(parse(stream.slice(0, cut), stream.slice(cut))).toEqual([
        '{"text":"héllo"}',
        '{"n":2}',
        'x\ny',
      ])
    }
  })

  test('sse - an event without its blank line yet is held back', () => {
    expect(parse('data: {"a":1}\n')).toEqual([])
  })
})
