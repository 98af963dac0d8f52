// k6 chat scenario across a cluster: the same visitors and operators as chat.js, with every
// operator on one node and the visitors spread over the others, so each message and each reply
// crosses nodes. Or give one load balancer URL and let it spread them.
//
//   k6 run -e NODES=http://10.0.0.1:3000,http://10.0.0.2:3000,http://10.0.0.3:3000 \
//          -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... [-e V=20 -e O=2 -e R=1 -e DURATION=45s] \
//          bench/k6/cluster.js
//   k6 run -e NODES=http://lb.example:80 ... bench/k6/cluster.js
//
// NODES: operators connect to the last node, visitor i to node i mod (n - 1); with one URL
// (a load balancer) everything goes through it. Setup uses the first node. Same metrics and
// thresholds as chat.js.
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

const NODES = env('NODES', env('BASE_URL', 'http://127.0.0.1:3000'))
  .split(',')
  .map((u) => u.trim().replace(/\/$/, ''))
  .filter((u) => u !== '')
const V = Number(env('V', '20'))
const O = Number(env('O', '2'))
const R = Number(env('R', '1'))
const DURATION_MS = durationMs(env('DURATION', '45s'))

const operatorNode = NODES[NODES.length - 1]
const visitorNodes = NODES.length > 1 ? NODES.slice(0, -1) : NODES

export const options = chatOptions(V, O, DURATION_MS / 1000)

export function setup() {
  if (V > O * 100)
    throw new Error(`V=${V} needs O >= ${Math.ceil(V / 100)} (100 subscriptions per socket)`)
  return Object.assign(setupInbox(NODES[0], O), chatTimeline(DURATION_MS))
}

export function operator(data) {
  runOperator(operatorNode, data, exec.scenario.iterationInTest)
}

export function visitor(data) {
  const i = exec.scenario.iterationInTest
  runVisitor(visitorNodes[i % visitorNodes.length], data, R)
}

export function teardown(data) {
  teardownInbox(NODES[0], data)
}
