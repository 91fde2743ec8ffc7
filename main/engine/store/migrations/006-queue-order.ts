/**
 * Schema 6: the queue's claim order as an index. Claiming the next job sorted every queued job
 * (`priority DESC, run_after, id`): 39 ms a claim with 100,000 queued, about an hour of sorting for
 * a first backup of that many files. With this index a claim reads the first due rows in order.
 */
export default `
CREATE INDEX jobs_next ON jobs(state, priority DESC, run_after, id);
`;
