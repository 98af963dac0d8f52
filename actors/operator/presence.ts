/**
 * The presence board: what each operator actor last published about its operator (status and
 * whether any connection is live). The inbox actor reads it to decide who may get a
 * conversation; only operator actors write it. In a cluster the board is shared
 * (server/cluster/presence.ts): every node reads the same entries wherever the operator lives.
 */
import type { OperatorStatus } from '../../protocol/index.ts'

export interface Availability {
  status: OperatorStatus
  /** At least one live connection, or the last one closed less than the grace period ago. */
  present: boolean
}

export class PresenceBoard {
  protected readonly entries = new Map<string, Availability>()

  set(operatorId: string, availability: Availability): void {
    this.entries.set(operatorId, availability)
  }

  remove(operatorId: string): void {
    this.entries.delete(operatorId)
  }

  get(operatorId: string): Availability {
    return this.entries.get(operatorId) ?? { status: 'away', present: false }
  }

  /** Online by choice and actually connected: the only operators routing gives work to (R2). */
  isAvailable(operatorId: string): boolean {
    const a = this.get(operatorId)
    return a.present && a.status === 'online'
  }
}
