/**
 * Queued runs, served round-robin by owner: each owner's runs wait in the order
 * they came, and the next run to start is the oldest of the owner served least
 * recently. Thirty learners who each queue three runs see every first run start
 * before anyone's second, whoever queued first. Runs without an owner (a
 * service without accounts) share one owner, ''.
 */
export class FairQueue {
  /** Each owner's waiting runs, oldest first, with the order they came in; an owner is here only while it has some. */
  private readonly waiting = new Map<string, { id: string; seq: number }[]>();
  /** When each owner last had a run started (a counter, not a clock); owners never served come first. */
  private readonly served = new Map<string, number>();
  private seq = 0;
  private turns = 0;

  get size(): number {
    let size = 0;
    for (const runs of this.waiting.values()) size += runs.length;
    return size;
  }

  countOf(owner: string): number {
    return this.waiting.get(owner)?.length ?? 0;
  }

  /** Adds a run at the end of its owner's line. */
  push(owner: string, id: string): void {
    const runs = this.waiting.get(owner) ?? [];
    runs.push({ id, seq: this.seq++ });
    this.waiting.set(owner, runs);
  }

  /** Takes a run out of the queue (cancelled or deleted while waiting). Answers whether it was there. */
  remove(id: string): boolean {
    for (const [owner, runs] of this.waiting) {
      const at = runs.findIndex((run) => run.id === id);
      if (at === -1) continue;
      runs.splice(at, 1);
      if (runs.length === 0) this.waiting.delete(owner);
      return true;
    }
    return false;
  }

  /**
   * The next run to start, taken out of the queue: among the owners `mayStart`
   * allows (those whose share of running runs is not used up), the one served
   * least recently, ties going to the run that came first. Undefined when none may start.
   */
  next(mayStart: (owner: string) => boolean = () => true): string | undefined {
    let best: { owner: string; served: number; seq: number } | undefined;
    for (const [owner, runs] of this.waiting) {
      if (!mayStart(owner)) continue;
      const served = this.served.get(owner) ?? -1;
      const seq = (runs[0] as { seq: number }).seq;
      if (!best || served < best.served || (served === best.served && seq < best.seq)) best = { owner, served, seq };
    }
    if (!best) return undefined;
    const runs = this.waiting.get(best.owner) as { id: string }[];
    const { id } = runs.shift() as { id: string };
    if (runs.length === 0) this.waiting.delete(best.owner);
    this.served.set(best.owner, this.turns++);
    return id;
  }
}
