async function saveScene(scene: { id: string }) {
  await fetch(`/api/scenes/${scene.id}`, { method: "PUT", body: JSON.stringify(scene) });
}

export function onSceneChange(scene: { id: string }) {
  saveScene(scene);
}
