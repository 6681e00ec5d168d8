import { saveScene } from "./storage";

export function onSceneChange(scene) {
  saveScene(scene);
}
