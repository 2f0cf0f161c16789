import type { Attributes, Meter, MetricOptions } from '@opentelemetry/api';

/** One series of a {@link Tally}: its attributes and the count so far. */
export interface TallyCell {
  readonly attributes: Attributes;
  n: number;
}

/**
 * A monotonic counter kept as plain numbers in this process and read by an OTel observable counter
 * at each collection. Same points as a synchronous counter (a cumulative sum per attribute set,
 * exported under the same name and unit), but an increment is `cell.n++` on a cell the caller
 * keeps, where a synchronous `add` sorts and serialises the attributes every time: that was most
 * of the worker's metrics cost. Cells are never dropped, like the SDK's own series; callers bound
 * their number (LabelLimiter).
 */
export class Tally {
  readonly #cells: TallyCell[] = [];

  constructor(meter: Meter, name: string, options: MetricOptions) {
    meter.createObservableCounter(name, options).addCallback((result) => {
      for (const cell of this.#cells) if (cell.n > 0) result.observe(cell.n, cell.attributes);
    });
  }

  /** A new series (count 0): the caller keeps it and increments `n`. */
  cell(attributes: Attributes): TallyCell {
    const cell = { attributes, n: 0 };
    this.#cells.push(cell);
    return cell;
  }
}
