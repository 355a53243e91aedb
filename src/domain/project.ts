import { existsSync } from "node:fs";
import path from "node:path";

/**
 * Where the repository lives (the nearest directory above this module with a package.json), so that relative
 * paths work from any working directory, whether this runs from src/ (tsx) or from dist/src/ (`npm start`).
 */
export const projectRoot = (() => {
  let dir = path.resolve(import.meta.dirname, "..");
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
