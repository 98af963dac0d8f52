// k6 chat scenario: V visitors, each in its own conversation, send R messages/s each; O
// operators, each watching the inbox feed, answer every visitor message.
//
//   k6 run -e BASE_URL=http://127.0.0.1:3000 -e ADMIN_EMAIL=admin@example.com \
//          -e ADMIN_PASSWORD='change-me-please' [-e V=20 -e O=2 -e R=1 -e DURATION=45s] \
//          bench/k6/chat.js
//
// Metrics: chat_delivery_ms, chat_reply_ms, chat_ack_ms, chat_messages, chat_replies,
// chat_errors, chat_resumes, chat_lost, chat_duplicated, chat_out_of_order, chat_watched
// (bench/README.md says what each means). More than 30 visitors need --local-ips.
import {
  chatOptions,
  chatTimeline,
  durationMs,
  env,
  runOperator,
  runVisitor,
  setupInbox,
  teardownInbox,
} from './lib.js'
import exec from 'k6/execution'

const BASE_URL = env('BASE_URL', 'http://127.0.0.1:3000').replace(/\/$/, '')
const V = Number(env('V', '20'))
const O = Number(env('O', '2'))
const R = Number(env('R', '1'))
const DURATION_MS = durationMs(env('DURATION', '45s'))

export const options = chatOptions(V, O, DURATION_MS / 1000)

export function setup() {
  if (V > O * 100)
    throw new Error(`V=${V} needs O >= ${Math.ceil(V / 100)} (100 subscriptions per socket)`)
  return Object.assign(setupInbox(BASE_URL, O), chatTimeline(DURATION_MS))
}

export function operator(data) {
  runOperator(BASE_URL, data, exec.scenario.iterationInTest)
}

export function visitor(data) {
  runVisitor(BASE_URL, data, R)
}

export function teardown(data) {
  teardownInbox(BASE_URL, data)
}
