/**
 * The conversation screen's on-demand parts, in one chunk (one file compresses better than a
 * handful of small ones): the visitor sidebar's body (VisitorSidebar), and the custom
 * attributes of issue 20: their definitions and values (defs.ts), the list's filter
 * (ListFilters) and the thread's line (MessageList); and the SLA of issue 20 (../sla/): the
 * thread's state and control, its lines and the breach alert. The settings (Attributes-*,
 * SlaPolicies-*) and the rules (Rules-*) read the definitions and policies from here too. A folder of its own because vite's `common`
 * chunk, fetched on first load, takes the shared files directly under client/panel/
 * (vite.config.ts).
 */
export {
  definitions,
  definitionsOf,
  loadDefinitions,
  reloadDefinitions,
  SCOPE_NAMES,
  TYPE_NAMES,
  type AttributeDefinition,
  type AttributeScope,
  type AttributeType,
  type AttributeValue,
} from './defs.ts'
export { AttributeFilter } from '../components/AttributeFilter.tsx'
export { AttributesLineItem } from '../components/AttributesLineItem.tsx'
export { default as VisitorBody } from '../components/VisitorBody.tsx'
export {
  KIND_NAMES,
  loadPolicies,
  policies,
  reloadPolicies,
  slaApi,
  SlaDetails,
  SlaLineItem,
  SlaToast,
  spanText,
  TARGETS,
  type SlaPolicy,
  type SlaPolicyInput,
} from '../sla/index.ts'
