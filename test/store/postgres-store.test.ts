import { describe, expect, it } from "vitest";
import { testPostgresStore } from "../helpers/postgres.js";
import { storeContract } from "./store.contract.js";

storeContract("postgres", async () => {
  const store = testPostgresStore();
  await store.init();
  return store;
});
