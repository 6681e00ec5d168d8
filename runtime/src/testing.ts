// Placeholder until the runtime lands (issue 3).
export {};
