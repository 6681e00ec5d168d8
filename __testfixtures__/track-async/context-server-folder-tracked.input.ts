async function notifyAdmins(event: string) {
  await fetch("https://hooks.example.com/admins", { method: "POST", body: event });
}

export function onDocumentPublished(id: string) {
  notifyAdmins(`published ${id}`);
}
