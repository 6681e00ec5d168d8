import { flushQueue } from "./queue";
import { supervise } from "@leakfix/runtime";

// flush every second
supervise("flushQueue", () => {
  flushQueue();
}, { everyMs: 1000 });
