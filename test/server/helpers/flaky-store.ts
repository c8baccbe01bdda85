import { StoreError } from "../../../src/errors/index.js";
import { MemoryStore } from "../../../src/store/memory/index.js";

/**
 * A memory store whose first `initFailures` calls of `init` throw a retryable StoreError (the database away
 * at start-up), and whose `ping` throws one while `control.down` is set; `control.pings` counts the pings.
 */
export function flakyStore(initFailures = 0): {
  store: MemoryStore;
  control: { down: boolean; pings: number };
} {
  const store = new MemoryStore();
  const init = store.init.bind(store);
  let left = initFailures;
  store.init = async () => {
    if (left-- > 0) throw new StoreError("PostgreSQL store: init failed: unreachable", { retryable: true });
    return init();
  };
  const control = { down: false, pings: 0 };
  store.ping = async () => {
    control.pings += 1;
    if (control.down)
      throw new StoreError(
        "PostgreSQL store: ping failed: the database is unreachable or busy (1 try): connect ECONNREFUSED 127.0.0.1:5432",
        { retryable: true },
      );
  };
  return { store, control };
}
