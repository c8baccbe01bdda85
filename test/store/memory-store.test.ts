import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { storeContract } from "./store.contract.js";

storeContract("memory", async () => {
  const store = new MemoryStore();
  await store.init();
  return store;
});
