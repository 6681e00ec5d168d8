import { track } from "@leakfix/runtime";

async function flush() {}

export function stop() {
	track(flush(), "flush");
	console.log("stopping");
}
