import { track } from "@leakfix/runtime";

async function flush() {}

export function stop() {
	track(flush(), "stop:flush");
	console.log("stopping");
}
