/**
 * The SLA of issue 20 as the conversation screen shows it: the policies of each inbox
 * (policies.ts), the thread's state and its control (SlaDetails), its lines (SlaLineItem) and
 * the breach alert (SlaToast). Lazily loaded with the conversation screen's other on-demand
 * parts (../attributes/index.ts, one chunk); the settings (SlaPolicies-*) and the rules
 * (Rules-*) read the policies from here too. A folder of its own because vite's `common`
 * chunk, fetched on first load, takes the shared files directly under client/panel/
 * (vite.config.ts).
 */
export {
  KIND_NAMES,
  loadPolicies,
  policies,
  reloadPolicies,
  slaApi,
  spanText,
  TARGETS,
  type SlaPolicy,
  type SlaPolicyInput,
} from './policies.ts'
export { SlaDetails } from '../components/SlaDetails.tsx'
export { SlaLineItem } from '../components/SlaLineItem.tsx'
export { SlaToast } from '../components/SlaToast.tsx'
