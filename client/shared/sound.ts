/** A short two-tone beep made with WebAudio: no audio file to download. */
let audio: AudioContext | null = null

function context(): AudioContext | null {
  try {
    return (audio ??= new AudioContext())
  } catch {
    return null
  }
}

/** Call from a user gesture (opening the chat): browsers keep audio suspended until one. */
export function unlockAudio(): void {
  const ctx = context()
  if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined)
}

export function beep(): void {
  const ctx = context()
  if (!ctx || ctx.state !== 'running') return
  const t = ctx.currentTime
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.type = 'sine'
  osc.frequency.setValueAtTime(880, t)
  osc.frequency.setValueAtTime(660, t + 0.09)
  gain.gain.setValueAtTime(0.0001, t)
  gain.gain.exponentialRampToValueAtTime(0.12, t + 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25)
  osc.connect(gain).connect(ctx.destination)
  osc.start(t)
  osc.stop(t + 0.26)
}
