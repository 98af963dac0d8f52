/** Files for browser tests and screenshots: paste, drop, and whether an image has loaded. */
import type { Locator } from 'playwright-core'

/** Pastes a PNG into a text field the way a browser does for an image on the clipboard. */
export async function pasteImage(input: Locator, name: string, bytes: Buffer): Promise<void> {
  await input.evaluate(
    (el, { name, b64 }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([data], name, { type: 'image/png' }))
      el.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }),
      )
    },
    { name, b64: bytes.toString('base64') },
  )
}

/** Drags a file onto an element and drops it, as a browser does for a file from the desktop. */
export async function dropFile(target: Locator, name: string, type: string, bytes: Buffer) {
  const dataTransfer = await target.page().evaluateHandle(
    ({ name, type, b64 }) => {
      const dt = new DataTransfer()
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }))
      return dt
    },
    { name, type, b64: bytes.toString('base64') },
  )
  await target.dispatchEvent('dragenter', { dataTransfer })
  await target.dispatchEvent('dragover', { dataTransfer })
  await target.page().locator('.drop-overlay').waitFor()
  await target.dispatchEvent('drop', { dataTransfer })
  await target.page().locator('.drop-overlay').waitFor({ state: 'detached' })
}

/** True once an <img> has loaded (a broken image has naturalWidth 0). */
export function imageLoaded(img: Locator): Promise<boolean> {
  return img.evaluate(
    (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
  )
}

/** A small valid PDF (the server sniffs the type from the bytes). */
export function pdf(title: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${title}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  )
}
