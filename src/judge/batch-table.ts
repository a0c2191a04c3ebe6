// The coordinator's side of cross-worker embedding batches. Workers join their inputs to the
// open batch of their (model, endpoint); when it closes (full, or its wait is over) one of
// its workers is told to send it, since only workers hold the API key, and posts the vectors
// back; every worker then receives the vectors of its own inputs and its share of the cost.
// A worker that was told to send and died (kill -9) stops renewing its lease: the batch then
// goes to the next worker that joined it, so that no one waits on a dead process.
import { randomUUID } from 'node:crypto'
import { callProblem, inputWeight, splitCost, unusableReply, type BatchCost } from './batch-shares.js'
import type { EmbedCall } from './batcher.js'

/** What a worker's wait is answered with. */
export type BatchAnswer =
  | { send: { batch: string; inputs: string[]; renewMs: number } }
  | { result: EmbedCall & { batchSize: number } }
  | { error: { name: string; message: string; batch: string } }
  | { again: true }
  | { unknown: true }

/** A parked wait: delivers an answer, saying whether it reached the worker. */
type Deliver = (answer: BatchAnswer) => boolean

interface Ticket {
  readonly id: string
  readonly inputs: string[]
  readonly vectors: (number[] | undefined)[]
  /** Batches of this ticket not yet answered. */
  pending: number
  cost: BatchCost
  model: string
  latencyMs: number
  batchSize: number
  error?: { name: string; message: string; batch: string }
  waiter?: { deliver: Deliver; hold: NodeJS.Timeout }
  /** Batches this ticket's worker was told to send and has not picked up yet. */
  readonly tasks: Set<Batch>
  /** Drops a finished ticket whose worker never came back for it. */
  expiry?: NodeJS.Timeout
}

interface Member {
  readonly ticket: Ticket
  /** Which of the ticket's inputs are in this batch, and where. */
  readonly at: number[]
  readonly pos: number[]
}

interface Batch {
  readonly id: string
  readonly key: string
  readonly maxBatchSize: number
  readonly inputs: string[]
  readonly index: Map<string, number>
  readonly members: Member[]
  closer?: NodeJS.Timeout
  sender?: Ticket
  readonly tried: Set<Ticket>
  lease?: NodeJS.Timeout
}

/** Options of {@link BatchTable}. */
export interface BatchTableOptions {
  /** How long a sender may go without renewing before its batch goes to another worker. @default 15000 */
  leaseMs?: number
  /** How long a finished ticket waits for its worker to collect it. @default 60000 */
  keepMs?: number
}

/** The coordinator's table of open and sending embedding batches (see the module comment). */
export class BatchTable {
  readonly #leaseMs: number
  readonly #keepMs: number
  readonly #open = new Map<string, Batch>()
  readonly #sending = new Map<string, Batch>()
  readonly #tickets = new Map<string, Ticket>()

  constructor(o: BatchTableOptions = {}) {
    this.#leaseMs = o.leaseMs ?? 15_000
    this.#keepMs = o.keepMs ?? 60_000
  }

  /** Adds a worker's inputs to the open batches of `key`; returns the ticket its worker waits on. */
  join(key: string, inputs: string[], maxBatchSize: number, maxWaitMs: number): string {
    const ticket: Ticket = { id: randomUUID(), inputs, vectors: inputs.map(() => undefined), pending: 0, cost: { requests: 0, usage: { prompt_tokens: 0, total_tokens: 0 }, cost: 0 }, model: '', latencyMs: 0, batchSize: 0, tasks: new Set() }
    this.#tickets.set(ticket.id, ticket)
    let member: Member | undefined
    let memberOf: Batch | undefined
    for (const [i, input] of inputs.entries()) {
      let batch = this.#open.get(key) ?? this.#begin(key, maxBatchSize, maxWaitMs)
      let pos = batch.index.get(input)
      if (pos === undefined && batch.inputs.length >= batch.maxBatchSize) {
        this.#close(batch)
        batch = this.#begin(key, maxBatchSize, maxWaitMs)
      }
      if (pos === undefined) {
        pos = batch.inputs.push(input) - 1
        batch.index.set(input, pos)
      }
      if (!member || memberOf !== batch) {
        member = { ticket, at: [], pos: [] }
        memberOf = batch
        batch.members.push(member)
        ticket.pending++
      }
      member.at.push(i)
      member.pos.push(pos)
    }
    const last = this.#open.get(key)
    if (last && last.inputs.length >= last.maxBatchSize) this.#close(last)
    return ticket.id
  }

  /**
   * Parks a worker's wait on its ticket until there is something for it: a batch to send,
   * its result, or, after `holdMs`, a request to ask again. Returns what cancels the wait
   * (when the worker's connection closes).
   */
  wait(id: string, holdMs: number, deliver: Deliver): () => void {
    const ticket = this.#tickets.get(id)
    if (!ticket) {
      deliver({ unknown: true })
      return () => {}
    }
    // One wait per ticket: an earlier one still open is told to ask again.
    if (ticket.waiter) this.#answer(ticket, { again: true })
    const waiter = { deliver, hold: setTimeout(() => this.#answer(ticket, { again: true }), holdMs) }
    ticket.waiter = waiter
    this.#offer(ticket)
    return () => {
      if (ticket.waiter === waiter) this.#unpark(ticket)
    }
  }

  /** Keeps a sender's lease; false when the batch is no longer its to send. */
  renew(batchId: string): boolean {
    const batch = this.#sending.get(batchId)
    batch?.lease?.refresh()
    return batch !== undefined
  }

  /**
   * Takes a batch's outcome from the worker that sent it: the whole reply, or the error.
   * The first outcome counts: a sender whose lease ran out may still deliver, unless the
   * worker the batch went to next did so first.
   */
  done(batchId: string, outcome: { call: EmbedCall } | { error: { name: string; message: string } }): void {
    const batch = this.#sending.get(batchId)
    if (!batch) return
    this.#sending.delete(batchId)
    clearTimeout(batch.lease)
    const problem = 'call' in outcome ? callProblem(outcome.call, batch.inputs.length) : undefined
    if ('error' in outcome || problem) {
      const error = 'error' in outcome ? outcome.error : unusableReply(problem!)
      for (const m of batch.members) this.#settle(m.ticket, batch, () => (m.ticket.error ??= { name: String(error.name), message: String(error.message), batch: batch.id }))
      return
    }
    const call = outcome.call
    // An input several workers share splits its weight among them.
    const sharing = batch.inputs.map(() => 0)
    for (const m of batch.members) for (const p of m.pos) sharing[p]!++
    const weights = batch.members.map((m) => m.pos.reduce((w, p) => w + inputWeight(batch.inputs[p]!) / sharing[p]!, 0))
    const sender = Math.max(0, batch.members.findIndex((m) => m.ticket === batch.sender))
    const costs = splitCost(call, weights, sender)
    batch.members.forEach((m, k) =>
      this.#settle(m.ticket, batch, (t) => {
        m.at.forEach((i, j) => (t.vectors[i] = call.vectors[m.pos[j]!]))
        const c = costs[k]!
        t.cost.requests += c.requests
        t.cost.usage.prompt_tokens += c.usage.prompt_tokens
        t.cost.usage.total_tokens += c.usage.total_tokens
        t.cost.cost = t.cost.cost === undefined || c.cost === undefined ? undefined : t.cost.cost + c.cost
        t.model = call.model
        t.latencyMs = Math.max(t.latencyMs, call.latencyMs)
        t.batchSize = Math.max(t.batchSize, batch.inputs.length)
      }),
    )
  }

  /** Ends every wait and timer (the run is over). */
  close(): void {
    for (const batch of [...this.#open.values(), ...this.#sending.values()]) {
      clearTimeout(batch.closer)
      clearTimeout(batch.lease)
    }
    for (const ticket of this.#tickets.values()) {
      clearTimeout(ticket.expiry)
      if (ticket.waiter) this.#answer(ticket, { unknown: true })
    }
    this.#open.clear()
    this.#sending.clear()
    this.#tickets.clear()
  }

  #begin(key: string, maxBatchSize: number, maxWaitMs: number): Batch {
    const batch: Batch = { id: randomUUID(), key, maxBatchSize, inputs: [], index: new Map(), members: [], tried: new Set() }
    batch.closer = setTimeout(() => this.#close(batch), maxWaitMs)
    this.#open.set(key, batch)
    return batch
  }

  #close(batch: Batch): void {
    clearTimeout(batch.closer)
    if (this.#open.get(batch.key) === batch) this.#open.delete(batch.key)
    this.#sending.set(batch.id, batch)
    this.#assign(batch)
  }

  // The sender is a worker waiting right now (not busy sending another batch), else the
  // first that joined; never one tried before, so that a dead sender's batch moves on after
  // one lease rather than bouncing between workers.
  #assign(batch: Batch): void {
    batch.sender?.tasks.delete(batch)
    const untried = batch.members.filter((m) => !batch.tried.has(m.ticket))
    const next = (untried.find((m) => m.ticket.waiter && m.ticket.tasks.size === 0) ?? untried[0])?.ticket
    if (!next) {
      const error = { name: 'Error', message: `No worker sent the embedding batch of ${batch.inputs.length} input${batch.inputs.length === 1 ? '' : 's'}: each of the ${batch.tried.size} worker(s) that joined it was told to and stopped renewing its lease within ${this.#leaseMs} ms (killed, or its event loop blocked).` }
      this.#sending.set(batch.id, batch)
      return this.done(batch.id, { error })
    }
    batch.sender = next
    batch.tried.add(next)
    next.tasks.add(batch)
    batch.lease = setTimeout(() => {
      if (this.#sending.get(batch.id) === batch) this.#assign(batch)
    }, this.#leaseMs)
    this.#offer(next)
  }

  #settle(ticket: Ticket, batch: Batch, apply: (t: Ticket) => void): void {
    ticket.tasks.delete(batch)
    apply(ticket)
    if (--ticket.pending > 0) return
    ticket.expiry = setTimeout(() => this.#forget(ticket), this.#keepMs)
    ticket.expiry.unref()
    this.#offer(ticket)
  }

  // Gives a parked wait what there is for it: the ticket's result once every batch of it
  // was answered, else a batch it should send.
  #offer(ticket: Ticket): void {
    if (!ticket.waiter) return
    if (ticket.pending === 0) {
      const answer: BatchAnswer = ticket.error
        ? { error: ticket.error }
        : { result: { vectors: ticket.vectors as number[][], model: ticket.model, ...ticket.cost, latencyMs: ticket.latencyMs, batchSize: ticket.batchSize } }
      if (this.#answer(ticket, answer)) this.#forget(ticket)
      return
    }
    const [task] = ticket.tasks
    if (!task) return
    // Picked up: from now on the sender's renewals keep its lease.
    if (this.#answer(ticket, { send: { batch: task.id, inputs: task.inputs, renewMs: Math.max(1, Math.floor(this.#leaseMs / 3)) } })) {
      ticket.tasks.delete(task)
      task.lease?.refresh()
    }
  }

  #answer(ticket: Ticket, answer: BatchAnswer): boolean {
    const waiter = ticket.waiter
    if (!waiter) return false
    this.#unpark(ticket)
    return waiter.deliver(answer)
  }

  #unpark(ticket: Ticket): void {
    clearTimeout(ticket.waiter?.hold)
    ticket.waiter = undefined
  }

  #forget(ticket: Ticket): void {
    clearTimeout(ticket.expiry)
    this.#tickets.delete(ticket.id)
  }
}
