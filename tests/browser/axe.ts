/**
 * axe-core in the browser tests: every UI test checks its screens with the same rules and
 * reports the same way (serious and critical violations only, as "rule: targets" lines).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Frame, Page } from 'playwright-core'

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface Violation {
  id: string
  impact: string | null
  nodes: { target: string[] }[]
}

/**
 * Serious and critical axe-core violations in a document (a page, or a frame such as the
 * widget's sandboxed one: axe runs inside it), as "rule: targets" lines.
 */
export async function violations(doc: Page | Frame): Promise<string[]> {
  // Once per document: axe.min.js is half a megabyte to parse.
  if (!(await doc.evaluate(() => 'axe' in globalThis))) await doc.evaluate(AXE)
  const found = (await doc.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(context: Document, options: object): Promise<{ violations: unknown[] }>
        }
      }
    ).axe
    // Violations only: no selectors worked out for every node that passed (axe's own advice).
    return (await axe.run(document, { resultTypes: ['violations'] })).violations
  })) as Violation[]
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

/** The widget's own document (its sandboxed frame) in a page, for axe to run inside. */
export function widgetDocument(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/'))
  if (!frame) throw new Error('the widget frame is not loaded')
  return frame
}
