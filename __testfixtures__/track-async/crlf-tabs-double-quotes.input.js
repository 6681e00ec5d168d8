async function flush() {}

export function stop() {
	flush();
	console.log("stopping");
}
