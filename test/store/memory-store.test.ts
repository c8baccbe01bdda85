import { MemoryStore } from "../../src/store/memory/memory-store.js";
import { retentionContract } from "./retention.contract.js";
import { storeContract } from "./store.contract.js";

async function openMemory() {
  const store = new MemoryStore();
  await store.init();
  return store;
}

storeContract("memory", openMemory);
retentionContract("memory", openMemory);
